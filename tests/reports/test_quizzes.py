"""Which questions confuse people: share right and the most-chosen wrong option, per question."""

from datetime import date

from lms.batches.services import create_batch, join
from lms.courses.models import Quiz
from lms.extensions import db
from lms.learning import quizforms, services
from lms.reports.quizzes import quiz_stats


def answer(user, quiz, answers):
    token = quizforms.make_token(user.id, quiz.id, 1, f"n{user.id}-{len(answers)}")
    return services.submit(user, token, lambda spec: answers)


def test_share_right_and_most_chosen_wrong_option(client, auth, world, sample_course, make_user):
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "B", "", date(2026, 9, 1), world.kolkata.id
    )
    quiz = db.session.execute(db.select(Quiz).filter_by(key="phishing")).scalar_one()
    yes, no = (option["id"] for option in quiz.spec["questions"][0]["options"])
    people = [make_user(region=world.booth) for _ in range(4)]
    for person, choice in zip(people, (yes, yes, no, yes), strict=True):
        join(person, batch)
        answer(person, quiz, {"0": choice})
    outsider = make_user(region=world.booth)
    answer(outsider, quiz, {"0": no})  # not in a batch of this trainer: not counted
    stats = {item.quiz.key: item for item in quiz_stats(world.trainer_kol).items}
    phishing = stats["phishing"].questions[0]
    assert stats["phishing"].attempts == 4
    assert (phishing.answered, phishing.right, phishing.share_right) == (4, 1, 25)
    assert phishing.top_wrong == ("Yes", 3)
    assert quiz_stats(world.head_dar).items == []
    auth.login(world.trainer_kol)
    page = client.get("/reports/quizzes").get_data(as_text=True)
    assert "25%" in page and "Yes</span> (3)" in page
    auth.logout()
    auth.login(world.sahayak_kol)
    assert client.get("/reports/quizzes").status_code == 403


def test_typed_answers_show_the_most_common_wrong_ones_escaped(client, auth, world, sample_course, make_user):
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "B", "", date(2026, 9, 1), world.kolkata.id
    )
    quiz = db.session.execute(db.select(Quiz).filter_by(key="safe-password")).scalar_one()
    typed, number = 2, 3  # the text and the numeric question of the sample quiz
    written = ["Schedule later", "schedule  LATER", "<b>timer</b>", "", "schedule"]  # the last is right
    for text in written:
        person = make_user(region=world.booth)
        join(person, batch)
        answer(person, quiz, {str(typed): text, str(number): "৪১"})
    stats = {item.quiz.key: item for item in quiz_stats(world.trainer_kol).items}["safe-password"]
    question = stats.questions[typed]
    assert (question.answered, question.right) == (5, 1)
    assert [(str(html), times) for html, times in question.wrong_answers] == [
        ("schedule later", 2), ("&lt;b&gt;timer&lt;/b&gt;", 1), ("(left empty)", 1),
    ]  # fmt: skip
    assert [(str(html), times) for html, times in stats.questions[number].wrong_answers] == [("৪১", 5)]
    auth.login(world.trainer_kol)
    page = client.get("/reports/quizzes").get_data(as_text=True)
    assert "schedule later</span> (2)" in page and "&lt;b&gt;timer" in page and "<b>timer" not in page
    assert "Passwords" in page  # the quiz is known by its lesson


def test_an_option_question_left_empty_is_said_so(world, sample_course, make_user):
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "B", "", date(2026, 9, 1), world.kolkata.id
    )
    quiz = db.session.execute(db.select(Quiz).filter_by(key="phishing")).scalar_one()
    for _ in range(2):
        person = make_user(region=world.booth)
        join(person, batch)
        answer(person, quiz, {})
    question = {item.quiz.key: item for item in quiz_stats(world.trainer_kol).items}["phishing"].questions[0]
    assert [(str(html), times) for html, times in question.wrong_answers] == [("(left empty)", 2)]
