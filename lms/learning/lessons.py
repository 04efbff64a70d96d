"""Opening a lesson: everything its page shows, in four statements after the user's own.

The page is what sahayaks open most, on every visit to every lesson, so its queries are
counted: the lesson with its version, course and read mark (one), its quizzes (one), this
learner's progress at them in every round (one) and the lessons before and after it (one).
Each statement is built once, on first use, and run with parameters: building one cost
more than running it (≈ 180 µs against ≈ 50 µs)."""

import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Row, Select, bindparam, exists, func, select
from sqlalchemy.orm import undefer

from lms.auth.models import User
from lms.courses.models import Course, CourseVersion, Lesson, Quiz
from lms.errors import NotFound
from lms.extensions import db
from lms.learning import quizforms
from lms.learning.models import LessonRead, QuizProgress
from lms.learning.services import allowed_attempts, out_of_tries, record_read


@dataclass
class QuizOnPage:
    """A quiz as its form shows it to this learner."""

    quiz: Quiz
    token: str
    questions: list[dict]
    status: QuizProgress | None  # this round's tries, best score and pass
    allowed: int | None
    out_of_tries: bool
    updated: bool  # taken in an earlier round: the quiz changed and is to be taken again


@dataclass
class LessonPage:
    """A lesson of a live course, its quiz forms and its neighbours."""

    course: Course
    version: CourseVersion
    lesson: Lesson
    quizzes: dict[str, QuizOnPage]
    neighbours: tuple[Row | None, Row | None]  # (position, slug, title) before and after


def open_lesson(user: User, slug: str, lesson_slug: str, tokens: dict) -> LessonPage:
    """The lesson page for this learner, marking the lesson read (idempotent) and keeping each
    quiz's attempt token in `tokens` (the session), or NotFound."""
    found = db.session.execute(
        _lesson_query(), {"user_id": user.id, "slug": slug, "lesson": lesson_slug}
    ).first()
    if found is None:
        raise NotFound
    lesson, version, course, already_read = found
    if not already_read:
        record_read(user, course, lesson)
    quizzes = list(db.session.execute(_quizzes_query(), {"lesson_id": lesson.id}).scalars())
    return LessonPage(
        course, version, lesson, _quiz_forms(user, course, quizzes, tokens), _neighbours(version, lesson)
    )


def _quiz_forms(user: User, course: Course, quizzes: list[Quiz], tokens: dict) -> dict[str, QuizOnPage]:
    """Each quiz's form: its attempt token and question order, and the learner's progress."""
    if not quizzes:
        return {}
    keys = {"user_id": user.id, "course_id": course.id, "keys": [quiz.key for quiz in quizzes]}
    progress = {
        (row.quiz_key, row.round): row for row in db.session.execute(_progress_query(), keys).scalars()
    }
    forms = {}
    for quiz in quizzes:
        token, seed = _attempt_token(user, quiz, tokens)
        status = progress.get((quiz.key, quiz.round))
        forms[quiz.key] = QuizOnPage(
            quiz=quiz,
            token=token,
            questions=quizforms.form_questions(quiz.spec, seed, quiz.shuffle),
            status=status,
            allowed=allowed_attempts(quiz, status),
            out_of_tries=out_of_tries(quiz, status),
            updated=any(key == quiz.key and round_ < quiz.round for key, round_ in progress),
        )
    return forms


def _attempt_token(user: User, quiz: Quiz, tokens: dict) -> tuple[str, int]:
    """The token of the learner's current attempt at the quiz and its shuffle seed, kept in
    `tokens` so a reload shows the same order; a new one after each submission."""
    key = str(quiz.id)
    payload = quizforms.read_token(tokens.get(key, ""))
    if payload is None or payload["u"] != user.id or payload["q"] != quiz.id:
        seed = secrets.randbits(31)
        tokens[key] = quizforms.make_token(user.id, quiz.id, seed, secrets.token_hex(8))
        return tokens[key], seed
    return tokens[key], payload["s"]


def _neighbours(version: CourseVersion, lesson: Lesson) -> tuple[Row | None, Row | None]:
    """The slugs and titles of the lessons before and after this one."""
    rows = db.session.execute(
        _neighbours_query(), {"version_id": version.id, "position": lesson.position}
    ).all()
    previous = next((row for row in rows if row.position < lesson.position), None)
    following = next((row for row in rows if row.position > lesson.position), None)
    return previous, following


@cache
def _lesson_query() -> Select:
    """A lesson of a live course by slugs, with its version, its course and whether the
    user read it."""
    read = exists().where(
        LessonRead.user_id == bindparam("user_id"),
        LessonRead.course_id == Course.id,
        LessonRead.lesson_slug == Lesson.slug,
    )
    return (
        select(Lesson, CourseVersion, Course, read)
        .join(CourseVersion, CourseVersion.id == Lesson.version_id)
        .join(Course, Course.live_version_id == CourseVersion.id)
        .where(Course.slug == bindparam("slug"), Course.unpublished_at.is_(None))
        .where(Lesson.slug == bindparam("lesson"))
        .options(undefer(Lesson.html))
    )


@cache
def _quizzes_query() -> Select:
    """A lesson's quizzes in the order they were written."""
    return select(Quiz).where(Quiz.lesson_id == bindparam("lesson_id")).order_by(Quiz.id)


@cache
def _progress_query() -> Select:
    """A learner's progress rows at some quizzes of a course, in every round."""
    return select(QuizProgress).where(
        QuizProgress.user_id == bindparam("user_id"),
        QuizProgress.course_id == bindparam("course_id"),
        QuizProgress.quiz_key.in_(bindparam("keys", expanding=True)),
    )


@cache
def _neighbours_query() -> Select:
    """The lessons right before and after a position in a version (numbers may have gaps)."""
    same_version = Lesson.version_id == bindparam("version_id")
    before = select(func.max(Lesson.position)).where(same_version, Lesson.position < bindparam("position"))
    after = select(func.min(Lesson.position)).where(same_version, Lesson.position > bindparam("position"))
    return select(Lesson.position, Lesson.slug, Lesson.title).where(
        same_version, Lesson.position.in_([before.scalar_subquery(), after.scalar_subquery()])
    )
