"""The per-question report reads running tallies: they must always equal counting every attempt
again, whatever order people answer and join batches in, and across versions graded alike."""

import random
from datetime import date

from sqlalchemy import select

from lms.batches.models import Batch
from lms.batches.services import batches_in_scope, create_batch, join
from lms.courses.models import Course, Quiz
from lms.courses.parser import parse_course
from lms.courses.services import publish
from lms.extensions import db
from lms.people.regions import import_regions
from lms.reports import quizzes, tallies
from lms.reports.models import AnswerTally, RegionAnswerTally
from tests.courses.samples import LESSON_TWO, course_files
from tests.reports.test_quizzes import answer


def tally_rows() -> set[tuple]:
    """Every tally row of batches and regions, without its id."""
    rows = set()
    for model, owner in (
        (AnswerTally, AnswerTally.batch_id),
        (RegionAnswerTally, RegionAnswerTally.region_id),
    ):
        query = select(model.quiz_id, owner, model.question, model.right, model.answer, model.times)
        rows |= {(model.__tablename__, *row) for row in db.session.execute(query)}
    return rows


def figures(stats: quizzes.QuizStats) -> tuple:
    """A quiz's figures, comparable: attempts, and per question right and the wrong answers."""
    return stats.attempts, [(q.right, dict(q.wrong_choices)) for q in stats.questions]


def batch_by_batch(actor, quiz: Quiz) -> tuple:
    """The figures summed over every batch in the actor's scope, one by one (no region sums)."""
    scoped = batches_in_scope(actor).with_only_columns(Batch.id)
    stats = quizzes._stats(quiz, None, scoped)
    return figures(stats)


def current_quiz(key: str) -> Quiz:
    """The quiz with this key in the course's live version."""
    course = db.session.execute(select(Course)).scalar_one()
    return next(quiz for quiz in course.live_version.quizzes if quiz.key == key)


def stats_of(actor, key: str) -> quizzes.QuizStats:
    return {item.quiz.key: item for item in quizzes.quiz_stats(actor).items}[key]


def random_answers(quiz: Quiz, rng: random.Random) -> dict:
    """Some answer to each question, or none: options by id, typed text from a small set."""
    answers = {}
    for index, question in enumerate(quiz.spec["questions"]):
        if rng.random() < 0.15:
            continue
        if "options" in question:
            ids = [option["id"] for option in question["options"]]
            answers[str(index)] = (
                rng.sample(ids, rng.randint(1, len(ids))) if len(ids) > 2 else rng.choice(ids)
            )
        else:
            answers[str(index)] = rng.choice(["schedule", "Schedule ", "timer", "42", "৪২", "41", ""])
    return answers


def test_running_tallies_equal_counting_every_attempt_again(world, sample_course, make_user):
    rng = random.Random(14)
    course_id = sample_course.course_id
    first = create_batch(world.trainer_kol, course_id, "A", "", date(2026, 9, 1), world.kolkata.id)
    second = create_batch(world.head_kol, course_id, "B", "", date(2026, 9, 1), world.kolkata.id)
    people = [make_user(region=world.booth) for _ in range(12)]
    for number, person in enumerate(people):
        joins = [first] if number % 3 == 0 else [second] if number % 3 == 1 else [first, second]
        before = number % 4 == 0  # some answer first and join afterwards
        if not before:
            for batch in joins:
                join(person, batch)
        for key in ("safe-password", "phishing"):
            quiz = current_quiz(key)
            for _ in range(rng.randint(1, 2)):
                answer(person, quiz, random_answers(quiz, rng))
        if before:
            for batch in joins:
                join(person, batch)
    kept = tally_rows()
    batch_rows = {row for row in kept if row[0] == "answer_tally"}
    assert batch_rows and tallies.rebuild() == len(batch_rows)
    assert tally_rows() == kept
    # Every attempt by someone in both batches counts once for each of them, and for each
    # region holding them: the booth's district, its state.
    attempts = {(owner, times) for table, _, owner, question, _, _, times in kept if question == -1}
    assert {owner for owner, _ in attempts} >= {first.id, second.id, world.kolkata.id, world.state.id}
    assert tallies.roll_up_regions() == len(kept) - len(batch_rows)
    assert tally_rows() == kept


def test_region_sums_give_what_each_batch_in_scope_gives(world, sample_course, make_user):
    """Admins read the root regions' sums, cell heads their region's and their own batches
    outside it, trainers their batches': always the figures of batches_in_scope."""
    course_id = sample_course.course_id
    kolkata = create_batch(world.trainer_kol, course_id, "K", "", date(2026, 9, 1), world.kolkata.id)
    booth = create_batch(world.head_kol, course_id, "Booth", "", date(2026, 9, 1), world.booth.id)
    darjeeling = create_batch(world.head_dar, course_id, "D", "", date(2026, 9, 1), world.darjeeling.id)
    away = create_batch(world.head_kol, course_id, "Away", "", date(2026, 9, 1), world.booth.id)
    away.leader_id = world.head_dar.id  # led by a head who moved to Darjeeling: outside their area
    db.session.commit()
    rng = random.Random(8)
    quiz = current_quiz("safe-password")
    for number, batch in enumerate([kolkata, booth, darjeeling, away] * 3):
        person = make_user(region=world.booth if number % 2 else world.darjeeling)
        join(person, batch)
        answer(person, quiz, random_answers(quiz, rng))
    for actor in (world.admin, world.head_kol, world.head_dar, world.trainer_kol):
        assert figures(stats_of(actor, "safe-password")) == batch_by_batch(actor, quiz), actor.name
    assert stats_of(world.admin, "safe-password").attempts == 12
    assert stats_of(world.head_dar, "safe-password").attempts == 6  # Darjeeling's and the one away
    assert stats_of(world.trainer_kol, "safe-password").attempts == 3


def test_a_region_moved_to_another_district_takes_its_figures_along(world, sample_course, make_user):
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "B", "", date(2026, 9, 1), world.booth.id
    )
    quiz = current_quiz("phishing")
    person = make_user(region=world.booth)
    join(person, batch)
    answer(person, quiz, {"0": quiz.spec["questions"][0]["options"][1]["id"]})
    assert stats_of(world.head_kol, "phishing").attempts == 1
    constituency = world.booth.parent
    moved = f"code,name,kind,parent\n{constituency.code},{constituency.name},assembly,WB-DAR\n"
    import_regions(moved.encode(), "moved.csv")
    assert quizzes.quiz_stats(world.head_kol).items == []  # no batch of theirs left
    assert stats_of(world.head_dar, "phishing").attempts == 1
    assert stats_of(world.admin, "phishing").attempts == 1


def test_joining_later_brings_earlier_attempts_into_the_batch(world, sample_course, make_user):
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "B", "", date(2026, 9, 1), world.kolkata.id
    )
    quiz = current_quiz("phishing")
    yes = quiz.spec["questions"][0]["options"][0]["id"]
    person = make_user(region=world.booth)
    answer(person, quiz, {"0": yes})
    assert stats_of(world.trainer_kol, "phishing").attempts == 0
    join(person, batch)
    join(person, batch)  # joining again counts nothing twice
    stats = stats_of(world.trainer_kol, "phishing")
    assert stats.attempts == 1 and stats.questions[0].top_wrong == ("Yes", 1)


def test_a_version_graded_alike_keeps_the_figures_with_todays_options(world, sample_course, make_user):
    """A reworded explanation publishes new quizzes with new option ids; the figures stay and
    read the old answers as today's options. A changed answer key starts them afresh."""
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "B", "", date(2026, 9, 1), world.kolkata.id
    )
    old = current_quiz("phishing")
    yes = old.spec["questions"][0]["options"][0]["id"]
    for _ in range(2):
        person = make_user(region=world.booth)
        join(person, batch)
        answer(person, old, {"0": yes})
    reworded = LESSON_TWO.replace("- [ ] Yes", "- [ ] Yes\n  > Never share a code sent to you.")
    publish(parse_course("safe-accounts", course_files(**{"02-phishing.md": reworded})), None, "cli")
    new = current_quiz("phishing")
    assert new.id != old.id and new.spec["questions"][0]["options"][0]["id"] != yes
    stats = stats_of(world.trainer_kol, "phishing")
    assert stats.quiz.id == new.id and stats.attempts == 2
    assert stats.questions[0].top_wrong == ("Yes", 2)
    changed = LESSON_TWO.replace("- [ ] Yes\n- [x] No", "- [x] Yes\n- [ ] No")
    publish(parse_course("safe-accounts", course_files(**{"02-phishing.md": changed})), None, "cli")
    assert stats_of(world.trainer_kol, "phishing").attempts == 0


def test_quizzes_are_paged(client, auth, world, sample_course, monkeypatch):
    create_batch(world.trainer_kol, sample_course.course_id, "B", "", date(2026, 9, 1), world.kolkata.id)
    monkeypatch.setattr(quizzes, "PER_PAGE", 1)
    assert quizzes.quiz_stats(world.trainer_kol).total == 2
    auth.login(world.trainer_kol)
    first = client.get("/reports/quizzes").get_data(as_text=True)
    second = client.get("/reports/quizzes?page=2").get_data(as_text=True)
    beyond = client.get(f"/reports/quizzes?page={2**70}").get_data(as_text=True)
    assert "Passwords" in first and "Phishing" not in first and 'href="/reports/quizzes?page=2"' in first
    assert "Phishing" in second and "Passwords" not in second
    assert "Phishing" in beyond  # out of range: the last page


def test_flask_reports_retally_counts_everything_again(runner, world, sample_course, make_user):
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "B", "", date(2026, 9, 1), world.booth.id
    )
    person = make_user(region=world.booth)
    join(person, batch)
    quiz = current_quiz("phishing")
    answer(person, quiz, {"0": quiz.spec["questions"][0]["options"][0]["id"]})
    kept = tally_rows()
    db.session.execute(AnswerTally.__table__.update().values(times=99))  # drifted, say by hand
    db.session.commit()
    result = runner.invoke(args=["reports", "retally"])
    assert result.exit_code == 0 and "Counted the attempts again: 2 batch tally rows." in result.output
    db.session.expire_all()
    assert tally_rows() == kept
