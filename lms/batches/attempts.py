"""More tries for stuck learners: a leader of a batch of theirs (for that course), a cell head
over their region, or an admin gives extra attempts at one quiz, or resets the count, with a
reason; every grant is in the audit log. A batch's leader can also give one more try to
every member who is out of tries at a quiz."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from lms.auth.audit import audit
from lms.auth.models import User
from lms.auth.permissions import may
from lms.batches.models import Batch, Membership
from lms.core.errors import NotFound
from lms.core.transactions import service
from lms.courses.models import Course, Quiz
from lms.extensions import db
from lms.learning import services as learning
from lms.learning.models import QuizProgress
from lms.learning.services import QuizState

MAX_EXTRA = 10  # tries given at once; more can be given again, each grant audited


class GrantRefused(Exception):
    """A grant could not be made; str() is a translatable message."""


def may_give_tries(actor: User, learner_and_course: object) -> bool:
    """Admins; cell heads over the learner's region; leaders of a batch of the course the
    learner belongs to; never the learner themself.

    The rule "give_tries" (lms/batches/feature.py); `thing` is (learner, course id)."""
    if not isinstance(learner_and_course, tuple):
        return may(actor, "grant_attempts") or may(actor, "lead_batch")
    learner, course_id = learner_and_course
    if actor.id == learner.id:
        return False  # nobody gives themself more tries
    if may(actor, "grant_attempts", learner.region):
        return True
    leads = select(Membership.id).join(Batch, Batch.id == Membership.batch_id).where(
        Membership.user_id == learner.id, Batch.leader_id == actor.id, Batch.course_id == course_id
    )  # fmt: skip
    return db.session.execute(leads).first() is not None


def learner_tries(actor: User, learner_id: int, course_id: int) -> tuple[User, Course, list[QuizState]]:
    """The learner, the course and their tries at each of its limited quizzes (NotFound
    unless the actor may give them tries)."""
    learner, course = db.session.get(User, learner_id), db.session.get(Course, course_id)
    if learner is None or course is None or course.live_version is None:
        raise NotFound
    if not may(actor, "give_tries", (learner, course.id)):
        raise NotFound
    return learner, course, _tries(learner, course)


def _tries(learner: User, course: Course) -> list[QuizState]:
    """The learner's tries at each quiz with an attempt limit in the course's live version."""
    lessons = learning.course_progress(learner, course).lessons
    return [state for lesson in lessons for state in lesson.quiz_states if state.allowed is not None]


@service
def give_tries(
    actor: User, learner_id: int, course_id: int, quiz_id: int, extra: int | None, reason: str
) -> int:
    """Give `extra` more tries at one quiz, or (`extra` None) reset the count so the learner
    has the quiz's full number again; audited with the reason. Returns the tries now left."""
    learner, course, tries = learner_tries(actor, learner_id, course_id)
    found = next((item for item in tries if item.quiz.id == quiz_id), None)
    if found is None:
        raise NotFound
    reason = _reason(reason)
    if extra is not None and not 1 <= extra <= MAX_EXTRA:
        raise GrantRefused(_l("Give between 1 and %(most)d tries at once.", most=MAX_EXTRA))
    quiz = found.quiz
    # A reset gives back every try used beyond what the quiz's own limit leaves.
    added = extra if extra is not None else max(0, found.used + quiz.attempts - found.allowed)
    status = _give(
        actor,
        learner.id,
        course.id,
        quiz,
        added,
        "attempts.reset" if extra is None else "attempts.grant",
        reason,
    )
    return learning.allowed_attempts(quiz, status) - status.attempts


def _reason(text: str) -> str:
    """The reason for the record, spaces tidied; refused when empty."""
    reason = " ".join((text or "").split())
    if not reason:
        raise GrantRefused(_l("Say why, for the record."))
    return reason


def _give(
    actor: User, learner_id: int, course_id: int, quiz: Quiz, added: int, action: str, reason: str, **more
):
    """Add tries at a quiz and audit it with the counts before and after (flushes)."""
    status = learning.give_attempts(learner_id, course_id, quiz, added)
    allowed = learning.allowed_attempts(quiz, status)
    audit(
        actor, action, f"user:{learner_id}",
        {"course_id": course_id, "quiz_key": quiz.key, "round": quiz.round, "used": status.attempts,
         "allowed_before": allowed - added, "allowed_after": allowed, "reason": reason, **more},
    )  # fmt: skip
    return status


def stuck_members(batch: Batch) -> dict[int, list[int]]:
    """Quiz id → ids of the batch's members who are out of tries at it (and have not passed)."""
    quizzes = [quiz for quiz in batch.course.live_version.quizzes if quiz.attempts is not None]
    members = select(Membership.user_id).where(Membership.batch_id == batch.id)
    stuck: dict[int, list[int]] = {}
    for quiz in quizzes:
        rows = db.session.execute(
            select(QuizProgress.user_id).where(
                QuizProgress.course_id == batch.course_id,
                QuizProgress.quiz_key == quiz.key,
                QuizProgress.round == quiz.round,
                QuizProgress.user_id.in_(members),
                QuizProgress.passed_at.is_(None),
                QuizProgress.attempts >= quiz.attempts + QuizProgress.extra_attempts,
            )
        ).scalars()
        stuck[quiz.id] = list(rows)
    return stuck


@service
def give_batch_one_more_try(actor: User, batch: Batch, quiz_id: int, reason: str) -> int:
    """One more try at a quiz for every member of the batch who is out of tries at it, each
    audited; how many were given one. Only for those who may give each of them tries."""
    reason = _reason(reason)
    quiz = next((q for q in batch.course.live_version.quizzes if q.id == quiz_id), None)
    if quiz is None or quiz.attempts is None:
        raise NotFound
    given = 0
    for learner_id in stuck_members(batch).get(quiz.id, []):
        if not may(actor, "give_tries", (db.session.get(User, learner_id), batch.course_id)):
            continue
        _give(actor, learner_id, batch.course_id, quiz, 1, "attempts.grant", reason, batch_id=batch.id)
        given += 1
    return given


def courses_with_tries(actor: User, learner: User) -> list[tuple[Course, int]]:
    """The courses the learner took a quiz in or joined a batch of, where the actor may give
    them tries, each with how many of its quizzes they are out of tries at."""
    taken = select(QuizProgress.course_id).where(QuizProgress.user_id == learner.id)
    joined = select(Batch.course_id).join(Membership, Membership.batch_id == Batch.id).where(
        Membership.user_id == learner.id
    )  # fmt: skip
    courses = db.session.execute(
        select(Course).where(
            Course.id.in_(taken.union(joined).scalar_subquery()), Course.live_version_id.is_not(None)
        )
    ).scalars()
    return [
        (course, sum(item.out_of_tries and not item.passed for item in _tries(learner, course)))
        for course in courses
        if may(actor, "give_tries", (learner, course.id))
    ]
