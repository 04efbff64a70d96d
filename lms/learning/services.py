"""Learning rules: reading, quiz attempts (one per token), best results, completion."""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import delete, func, select, union, update
from sqlalchemy.exc import IntegrityError

from lms.auth.models import User
from lms.core.clock import utcnow
from lms.core.database import dialect_insert, insert_ignore
from lms.core.errors import NotFound
from lms.core.plaintext import CONTROL_CHARACTERS, has_control_characters
from lms.core.transactions import restart, service
from lms.courses.kinds import KINDS
from lms.courses.models import Course, CourseVersion, Lesson, Quiz
from lms.extensions import db
from lms.learning import asks, quizforms
from lms.learning.grading import grade
from lms.learning.models import Attempt, Completion, LessonRead, PendingAnswers, QuizProgress
from lms.people.milestones import mark_milestone


class QuizRefused(Exception):
    """A submission that cannot be recorded; str() is a translatable message."""


@dataclass
class QuizState:
    """A user's tries, best score and pass at one quiz in its current round."""

    quiz: Quiz
    used: int
    allowed: int | None  # None: no limit
    best: int
    passed: bool

    @property
    def left(self) -> int | None:
        """Tries left (None: no limit)."""
        return None if self.allowed is None else max(0, self.allowed - self.used)

    @property
    def out_of_tries(self) -> bool:
        return self.allowed is not None and self.used >= self.allowed


@dataclass
class LessonState:
    """A lesson of the live version with this user's progress on it."""

    lesson: Lesson
    read: bool
    quizzes_passed: int
    quizzes: int
    quiz_states: list[QuizState] = field(default_factory=list)

    @property
    def state(self) -> str:
        """not_started, read or passed."""
        if self.read and self.quizzes_passed == self.quizzes and self.quizzes:
            return "passed"
        return "read" if self.read else "not_started"


@dataclass
class CourseProgress:
    """A user's progress through the live version of a course."""

    version: CourseVersion
    lessons: list[LessonState]
    completed_at: datetime | None

    @property
    def steps(self) -> tuple[int, int]:
        """(done, total) over lessons read and quizzes passed; all done once completed (a lesson
        or a retake added later never undoes a completion)."""
        total = sum(1 + item.quizzes for item in self.lessons)
        if self.completed_at is not None:
            return total, total
        return sum(item.read + item.quizzes_passed for item in self.lessons), total

    @property
    def percent(self) -> int:
        done, total = self.steps
        return round(100 * done / total) if total else 0


@service
def record_read(user: User, course: Course, lesson_slug: str) -> None:
    """Mark a lesson read (idempotent) and check completion."""
    read = select(LessonRead.user_id).filter_by(user_id=user.id, course_id=course.id, lesson_slug=lesson_slug)
    if db.session.execute(read).first() is None:
        mark_read(user, course, lesson_slug)


def mark_read(user: User, course: Course, lesson_slug: str) -> None:
    """Record a lesson as read (idempotent), the learner's start and maybe a completion
    (flushes)."""
    if insert_ignore(
        LessonRead, user_id=user.id, course_id=course.id, lesson_slug=lesson_slug, first_read_at=utcnow()
    ):
        mark_milestone(user.id, User.started_at)
        maybe_complete(user, course)


def read_lessons(user_id: int, course_id: int) -> set[str]:
    """Slugs of the lessons the user has opened."""
    query = select(LessonRead.lesson_slug).filter_by(user_id=user_id, course_id=course_id)
    return set(db.session.execute(query).scalars())


def course_progress(user: User, course: Course) -> CourseProgress:
    """Each lesson's state for this user in the live version, with their tries and best
    score at each quiz, in a fixed number of queries."""
    version = course.live_version
    reads = read_lessons(user.id, course.id)
    rows = db.session.execute(select(QuizProgress).filter_by(user_id=user.id, course_id=course.id)).scalars()
    progress = {(row.quiz_key, row.round): row for row in rows}
    by_lesson: dict[int, list[QuizState]] = {}
    for quiz in version.quizzes:
        status = progress.get((quiz.key, quiz.round))
        used, best, passed = (
            (status.attempts, status.best_score, status.passed_at is not None) if status else (0, 0, False)
        )
        state = QuizState(quiz, used, allowed_attempts(quiz, status), best, passed)
        by_lesson.setdefault(quiz.lesson_id, []).append(state)
    states = []
    for lesson in version.lessons:
        mine = by_lesson.get(lesson.id, [])
        passed = sum(state.passed for state in mine)
        states.append(LessonState(lesson, lesson.slug in reads, passed, len(mine), mine))
    completion = db.session.execute(
        select(Completion).filter_by(user_id=user.id, course_id=course.id)
    ).scalar()
    return CourseProgress(version, states, completion.completed_at if completion else None)


def maybe_complete(user: User, course: Course) -> None:
    """Record completion once every lesson is read and every quiz passed (live version; flushes)."""
    progress = course_progress(user, course)
    done, total = progress.steps
    if progress.completed_at is None and total and done == total:
        insert_ignore(
            Completion,
            user_id=user.id,
            course_id=course.id,
            version_id=course.live_version_id,
            completed_at=utcnow(),
        )
        mark_milestone(user.id, User.completed_at)


def complete_qualified(course: Course) -> int:
    """After a new version: record the completions it now grants (a removed quiz no longer
    counts) for learners who have read every lesson and passed every quiz (flushes)."""
    version = course.live_version
    lessons = {lesson.slug for lesson in version.lessons}
    quizzes = {(quiz.key, quiz.round) for quiz in version.quizzes}
    reads: dict[int, set[str]] = {}
    for user_id, slug in db.session.execute(
        select(LessonRead.user_id, LessonRead.lesson_slug).filter_by(course_id=course.id)
    ):
        reads.setdefault(user_id, set()).add(slug)
    passes: dict[int, set[tuple[str, int]]] = {}
    passed = select(QuizProgress.user_id, QuizProgress.quiz_key, QuizProgress.round).where(
        QuizProgress.course_id == course.id, QuizProgress.passed_at.is_not(None)
    )
    for user_id, key, round_ in db.session.execute(passed):
        passes.setdefault(user_id, set()).add((key, round_))
    done = set(db.session.execute(select(Completion.user_id).filter_by(course_id=course.id)).scalars())
    qualified = [
        user_id for user_id, read in reads.items()
        if user_id not in done and lessons <= read and quizzes <= passes.get(user_id, set())
    ]  # fmt: skip
    for user_id in qualified:
        insert_ignore(
            Completion, user_id=user_id, course_id=course.id, version_id=version.id, completed_at=utcnow()
        )
        mark_milestone(user_id, User.completed_at)
    return len(qualified)


def quiz_status(user: User, quiz: Quiz, course_id: int) -> QuizProgress | None:
    """The user's attempts, best score and pass on this quiz in its current round."""
    return _progress_row(user.id, course_id, quiz)


def _progress_row(user_id: int, course_id: int, quiz: Quiz) -> QuizProgress | None:
    """A user's progress row at a quiz in its current round, if any (by ids)."""
    query = select(QuizProgress).filter_by(
        user_id=user_id, course_id=course_id, quiz_key=quiz.key, round=quiz.round
    )
    return db.session.execute(query).scalar()


def allowed_attempts(quiz: Quiz, status: QuizProgress | None) -> int | None:
    """Tries the user has at this quiz in its round: its limit plus any given (None: no limit)."""
    if quiz.attempts is None:
        return None
    return quiz.attempts + (status.extra_attempts if status is not None else 0)


def out_of_tries(quiz: Quiz, status: QuizProgress | None) -> bool:
    """Whether the user has used every try they have at this quiz."""
    allowed = allowed_attempts(quiz, status)
    return allowed is not None and status is not None and status.attempts >= allowed


def give_attempts(user_id: int, course_id: int, quiz: Quiz, extra: int) -> QuizProgress:
    """Add `extra` tries at the quiz's current round, atomically in SQL (flushes)."""
    keys = {"user_id": user_id, "course_id": course_id, "quiz_key": quiz.key, "round": quiz.round}
    insert_ignore(QuizProgress, **keys, attempts=0, best_score=0)
    statement = (
        update(QuizProgress).filter_by(**keys).values(extra_attempts=QuizProgress.extra_attempts + extra)
    )
    db.session.execute(statement.execution_options(synchronize_session="fetch"))
    return db.session.execute(select(QuizProgress).filter_by(**keys)).scalar_one()


def passers(course_id: int, rounds: dict[str, int]) -> dict[str, int]:
    """How many sahayaks passed each quiz in the given round (for the publisher's decisions)."""
    if not rounds:
        return {}
    rows = db.session.execute(
        select(QuizProgress.quiz_key, QuizProgress.round, func.count())
        .join(User, User.id == QuizProgress.user_id)
        .where(
            QuizProgress.course_id == course_id,
            QuizProgress.quiz_key.in_(list(rounds)),
            QuizProgress.passed_at.is_not(None),
            User.is_learner,
        )
        .group_by(QuizProgress.quiz_key, QuizProgress.round)
    )
    return {key: count for key, round_, count in rows if rounds[key] == round_}


@service
def submit(user: User, token: str, read_answers: Callable[[dict], dict]) -> Attempt:
    """Grade and record a submission exactly once per token; a replay returns the first result.

    `read_answers` turns the quiz spec into the answers (from a form, or kept ones)."""
    try:
        return _submit(user, token, read_answers)
    except IntegrityError:
        restart()  # the same token won a race elsewhere: show that result
        return _attempt_with(token)


def _submit(user: User, token: str, read_answers: Callable[[dict], dict]) -> Attempt:
    """The attempt of this token: found, or graded and added now (flushes)."""
    payload = quizforms.read_token(token)
    if payload is None or payload["u"] != user.id:
        raise QuizRefused(_l("This quiz form is not valid any more. Open the lesson again."))
    existing = db.session.execute(select(Attempt).filter_by(token=token)).scalar()
    if existing is not None:
        return existing
    quiz = db.session.get(Quiz, payload["q"])
    if quiz is None:
        raise QuizRefused(_l("This quiz form is not valid any more. Open the lesson again."))
    answers = read_answers(quiz.spec)
    if any(isinstance(answer, str) and has_control_characters(answer) for answer in answers.values()):
        raise QuizRefused(CONTROL_CHARACTERS)  # before a try is taken: nothing is spent
    return _record(user, quiz, token, payload["s"], answers)


def _attempt_with(token: str) -> Attempt:
    """The attempt recorded for a token."""
    return db.session.execute(select(Attempt).filter_by(token=token)).scalar_one()


def _record(user: User, quiz: Quiz, token: str, seed: int, answers: dict) -> Attempt:
    """Take a try, grade, add the attempt and the best result, maybe complete (flushes)."""
    course = quiz.version.course
    if not _take_try(user.id, course.id, quiz):
        replayed = db.session.execute(select(Attempt).filter_by(token=token)).scalar()
        if replayed is not None:
            return replayed  # the same form, sent twice at once, took the last try: show its result
        status = quiz_status(user, quiz, course.id)
        raise QuizRefused(
            lazy_ngettext(
                "You have used your %(num)d attempt at this quiz.",
                "You have used all %(num)d attempts at this quiz.",
                allowed_attempts(quiz, status),
            )
        )
    graded = grade(quiz.spec, answers, quiz.pass_mark)
    moment = utcnow()
    attempt = Attempt(
        token=token, user_id=user.id, quiz_id=quiz.id, course_id=course.id, version_id=quiz.version_id,
        quiz_key=quiz.key, quiz_hash=quiz.content_hash, seed=seed, submitted_at=moment,
        answers=answers, results=graded.results, score=graded.score, passed=graded.passed,
    )  # fmt: skip
    db.session.add(attempt)
    db.session.flush()  # the token's UNIQUE constraint stops a doubled submission here
    _update_progress(user.id, course.id, quiz, graded.score, graded.passed, moment)
    asks.attempt_recorded.answers(attempt)  # e.g. the per-question report's tallies
    if graded.passed:
        maybe_complete(user, course)
    return attempt


def _take_try(user_id: int, course_id: int, quiz: Quiz) -> bool:
    """Count one more attempt if the user has a try left; False if not (flushes).

    One conditional UPDATE of the progress row: the database lets one writer at a time change
    that row and checks the condition against the row as the last writer left it, so no
    interleaving of requests, workers or instances records more attempts than allowed."""
    keys = {"user_id": user_id, "course_id": course_id, "quiz_key": quiz.key, "round": quiz.round}
    insert_ignore(QuizProgress, **keys, attempts=0, best_score=0)
    statement = update(QuizProgress).filter_by(**keys).values(attempts=QuizProgress.attempts + 1)
    if quiz.attempts is not None:
        statement = statement.where(QuizProgress.attempts < quiz.attempts + QuizProgress.extra_attempts)
    counted = db.session.execute(statement.returning(QuizProgress.id)).first()
    return counted is not None


def _update_progress(
    user_id: int, course_id: int, quiz: Quiz, score: int, passed: bool, moment: datetime
) -> None:
    """Keep the best score, the last attempt's time and the first pass, atomically in SQL."""
    keys = {"user_id": user_id, "course_id": course_id, "quiz_key": quiz.key, "round": quiz.round}
    values = {
        "best_score": func.max(QuizProgress.best_score, score)
        if db.engine.dialect.name == "sqlite"
        else func.greatest(QuizProgress.best_score, score),
        "last_attempt_at": moment,
    }
    if passed:
        values["passed_at"] = func.coalesce(QuizProgress.passed_at, moment)
    db.session.execute(update(QuizProgress).filter_by(**keys).values(**values))


def attempt_for(user: User, attempt_id: int) -> Attempt:
    """One of the user's own attempts, or NotFound."""
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        raise NotFound
    return attempt


class TooManyPending(Exception):
    """This address has as many kept answers as it may."""


@service
def keep_pending(token: str, answers, address: str) -> str:
    """Store answers posted without a session; return the key to find them after sign-in.

    One row per token (the database's unique index: sending the form again replaces its
    answers), at most PENDING_ANSWERS_PER_ADDRESS from one address; housekeeping removes
    them after PENDING_ANSWERS_HOURS."""
    payload = quizforms.read_token(token)
    spec = db.session.get(Quiz, payload["q"]).spec if payload else {"questions": []}
    kept = quizforms.answers_from_form(spec, answers)
    mine = select(func.count()).select_from(PendingAnswers).where(PendingAnswers.address == address)
    if db.session.execute(mine).scalar() >= current_app.config["PENDING_ANSWERS_PER_ADDRESS"]:
        raise TooManyPending
    statement = dialect_insert(PendingAnswers).values(
        key=secrets.token_urlsafe(24), token=token, answers=kept, address=address, created_at=utcnow()
    )
    statement = statement.on_conflict_do_update(
        index_elements=[PendingAnswers.token],
        set_={"answers": statement.excluded.answers, "created_at": statement.excluded.created_at},
    ).returning(PendingAnswers.key)
    return db.session.execute(statement).scalar_one()


@service
def forget_old_pending() -> int:
    """Remove answers kept longer than PENDING_ANSWERS_HOURS (housekeeping); how many."""
    cutoff = utcnow() - timedelta(hours=current_app.config["PENDING_ANSWERS_HOURS"])
    return db.session.execute(delete(PendingAnswers).where(PendingAnswers.created_at < cutoff)).rowcount


@service
def submit_pending(user: User, key: str) -> Attempt | None:
    """Record answers kept while the user signed in again (if they were this user's) and
    forget them, in one transaction."""
    pending = db.session.execute(select(PendingAnswers).filter_by(key=key)).scalar()
    if pending is None:
        return None
    token, answers = pending.token, pending.answers
    db.session.delete(pending)
    try:
        attempt = _submit(user, token, lambda _spec: answers)
    except QuizRefused:
        attempt = None  # another user's form, or no tries left: the answers are dropped all the same
    except IntegrityError:
        restart()  # recorded meanwhile from another tab: forget the answers, show that
        db.session.execute(delete(PendingAnswers).filter_by(key=key))
        attempt = _attempt_with(token)
    return attempt


def result_view(attempt: Attempt) -> dict:
    """What the result page shows: questions in the attempt's order with right/wrong,
    the chosen options' feedback, the explanation, and the quiz status now."""
    quiz = attempt.quiz
    ordered = quizforms.form_questions(quiz.spec, attempt.seed, quiz.shuffle)
    questions = []
    for shown in ordered:
        spec = quiz.spec["questions"][shown["index"]]
        answer = attempt.answers.get(str(shown["index"]))
        shown_answer = KINDS[spec["kind"]].result(spec, answer)
        questions.append({"html": spec["html"], "right": attempt.results[shown["index"]], **shown_answer})
    return {
        "attempt": attempt,
        "quiz": quiz,
        "questions": questions,
        "version": attempt.version,
        "lesson": quiz.lesson,
        "course": attempt.course,
        **what_next(attempt),
    }


def what_next(attempt: Attempt) -> dict:
    """What the result page offers next: after a pass the next lesson (or, once the course is
    complete, its "course complete" page); after a fail the tries left at the quiz (None: no
    limit) to try again, or none, and then who can give more."""
    completed = completion_of(attempt.user_id, attempt.course_id)
    lessons = attempt.version.lessons
    position = lessons.index(attempt.quiz.lesson)
    following = lessons[position + 1] if position + 1 < len(lessons) else None
    quiz = attempt.quiz
    status = _progress_row(attempt.user_id, attempt.course_id, quiz)
    allowed = allowed_attempts(quiz, status)
    left = None if allowed is None else max(0, allowed - (status.attempts if status else 0))
    return {"completed": completed is not None, "next_lesson": following, "tries_left": left}


def completion_of(user_id: int, course_id: int) -> Completion | None:
    """The user's completion of the course, if they completed it."""
    return db.session.execute(select(Completion).filter_by(user_id=user_id, course_id=course_id)).scalar()


def my_courses(user: User) -> list[CourseProgress]:
    """Progress in every published course the user started or is enrolled in.

    Hook "enrolled_courses"(user id): SQL selecting the ids of courses the user is enrolled in
    (batches answer with the courses of the batches the user joined)."""
    started = select(LessonRead.course_id).filter_by(user_id=user.id)
    mine = union(started, *asks.enrolled_courses.answers(user.id))
    query = select(Course).where(
        Course.id.in_(mine), Course.live_version_id.is_not(None), Course.unpublished_at.is_(None)
    )
    return [course_progress(user, course) for course in db.session.execute(query).scalars()]
