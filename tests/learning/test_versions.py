"""Courses change for months: no edit costs a learner a pass unless its publisher asks for a
retake, and a retake never takes a completion or a certificate away."""

import pytest

from lms.certificates.models import Certificate
from lms.courses.models import Course, PublishEvent, Quiz
from lms.courses.parser import parse_course
from lms.courses.passes import QuizChange
from lms.courses.services import publish
from lms.extensions import db
from lms.learning.models import Completion, QuizProgress
from tests.courses.samples import LESSON_ONE, LESSON_TWO, course_files
from tests.learning.quizzing import complete_course, form_of, right_answers

OUTLINE = "/courses/safe-accounts/"
LESSON = "/courses/safe-accounts/lessons/passwords"


def republish(retake=(), **changes):
    """Publish the sample course with some files changed, as the CLI would."""
    return publish(parse_course("safe-accounts", course_files(**changes)), None, "cli", retake)


def passes(client) -> int:
    return client.get(OUTLINE).get_data(as_text=True).count("✔ Quiz passed")


def submit_wrong(client) -> None:
    token, _ = form_of(client.get(LESSON).get_data(as_text=True), "safe-password")
    client.post("/quizzes/submit", data={"token": token})


EDITS_THAT_GRADE_NOTHING = {
    "explanation": LESSON_ONE.replace("Explanation shown", "The explanation, shown"),
    "feedback": LESSON_ONE.replace("Nobody else should ever know", "Nobody else may know"),
    "attempts": LESSON_ONE.replace("attempts=3", "attempts=5"),
    "shuffle": LESSON_ONE.replace("shuffle=true", "shuffle=false"),
    "prose": LESSON_ONE.replace("Use a long passphrase.", "Use a long passphrase, always."),
    "title": LESSON_ONE.replace("title: Passwords", "title: Strong passwords"),
}


@pytest.mark.parametrize("edit", sorted(EDITS_THAT_GRADE_NOTHING))
def test_a_pass_survives_every_edit_that_grades_nothing(client, learner, edit):
    complete_course(client)
    outcome = republish(**{"01-passwords.md": EDITS_THAT_GRADE_NOTHING[edit]})
    assert outcome.created and outcome.changes == []
    assert passes(client) == 2 and "100% done" in client.get(OUTLINE).get_data(as_text=True)


def test_a_grading_change_keeps_passes_by_default_and_says_how_many_passed(client, learner):
    complete_course(client)
    outcome = republish(**{"01-passwords.md": LESSON_ONE.replace("= 42 +- 0", "= 42 +- 1")})
    assert outcome.changes == [QuizChange("safe-password", 1)]
    assert passes(client) == 2
    event = db.session.execute(db.select(PublishEvent).order_by(PublishEvent.id.desc())).scalars().first()
    assert event.detail == {"quizzes": [{"key": "safe-password", "passed": 1, "decision": "keep"}]}


def test_a_retake_asks_again_but_keeps_completion_and_certificate(client, auth, learner, world):
    from lms.certificates.services import issue

    complete_course(client)
    [certificate], _ = issue(world.admin, [(learner.id, db.session.execute(db.select(Course.id)).scalar())])
    outcome = republish(
        retake={"safe-password"}, **{"01-passwords.md": LESSON_ONE.replace("= 42 +- 0", "= 42 +- 1")}
    )
    assert outcome.retaken == {"safe-password"}
    outline = client.get(OUTLINE).get_data(as_text=True)
    assert outline.count("✔ Quiz passed") == 1 and "Read · quiz not passed yet" in outline
    assert "100% done" in outline and "Completed" in outline  # the completion stands
    lesson = client.get(LESSON).get_data(as_text=True)
    assert "This quiz was updated since you took it. Please take it again." in lesson
    assert "attempts used: 0 of 3" in lesson  # a retake comes with fresh tries
    assert db.session.execute(db.select(Completion)).scalar_one().user_id == learner.id
    assert db.session.get(Certificate, certificate.id).revoked_at is None
    token, _ = form_of(lesson, "safe-password")
    client.post("/quizzes/submit", data={"token": token, **right_answers("safe-password")})
    assert passes(client) == 2
    rounds = {
        row.round
        for row in db.session.execute(db.select(QuizProgress).filter_by(quiz_key="safe-password")).scalars()
    }
    assert rounds == {1, 2}


def test_more_attempts_apply_to_attempts_already_used(client, learner):
    for _ in range(3):
        submit_wrong(client)
    assert "You have used all attempts at this quiz." in client.get(LESSON).get_data(as_text=True)
    republish(**{"01-passwords.md": LESSON_ONE.replace("attempts=3", "attempts=5")})
    lesson = client.get(LESSON).get_data(as_text=True)
    assert "attempts used: 3 of 5" in lesson and 'action="/quizzes/submit"' in lesson
    republish(**{"01-passwords.md": LESSON_ONE.replace("attempts=3", "attempts=2")})
    assert "You have used all attempts at this quiz." in client.get(LESSON).get_data(as_text=True)


def test_old_attempts_keep_showing_the_version_they_were_taken_on(client, learner):
    token, _ = form_of(client.get(LESSON).get_data(as_text=True), "safe-password")
    result = client.post("/quizzes/submit", data={"token": token}).headers["Location"]
    republish(**{"01-passwords.md": LESSON_ONE.replace("Which of these make", "Which of these makes")})
    page = client.get(result).get_data(as_text=True)
    assert "Version 1" in page and "Which of these make an account safer?" in page


def test_a_new_lesson_never_undoes_a_completion(client, learner):
    complete_course(client)
    extra = "---\ntitle: More\n---\nMore to read.\n\n```quiz id=more\n? Two?\n= 2 +- 0\n```\n"
    republish(**{"03-more.md": extra})
    outline = client.get(OUTLINE).get_data(as_text=True)
    assert "Completed" in outline and "100% done" in outline and "Not started" in outline


def test_a_removed_quiz_no_longer_counts_toward_completion(client, learner):
    complete_course(client)
    db.session.execute(db.delete(Completion))
    db.session.execute(db.update(QuizProgress).filter_by(quiz_key="phishing").values(passed_at=None))
    db.session.commit()
    assert "Completed" not in client.get(OUTLINE).get_data(as_text=True)
    without = LESSON_TWO.split("```quiz", 1)[0]
    republish(**{"02-phishing.md": without})
    assert db.session.execute(db.select(Completion)).scalar_one().user_id == learner.id
    assert "Completed" in client.get(OUTLINE).get_data(as_text=True)


def test_a_quiz_id_never_published_cannot_be_retaken(app, sample_course):
    from lms.courses.problems import CourseInvalid

    with pytest.raises(CourseInvalid):
        republish(retake={"nope"}, **{"01-passwords.md": LESSON_ONE.replace("Use a", "Use one")})
    assert db.session.execute(db.select(Quiz.round).distinct()).scalars().all() == [1]
