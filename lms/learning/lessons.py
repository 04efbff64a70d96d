"""Opening a lesson, the page sahayaks open most: in three statements, the user's included.

A published version never changes, so what a lesson of it shows to everyone (its text, its
quizzes, its neighbours) is read once per process and kept (`LessonContent`, by version and
content hash). Each view then asks only what may have changed: the course's live version
with the learner's read mark, and the learner's progress at the lesson's quizzes. Statements
are built once and run with parameters: building one cost more than running it."""

import secrets
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Row, Select, bindparam, exists, func, select

from lms.auth.models import User
from lms.core.errors import NotFound
from lms.core.kept import kept
from lms.core.transactions import service
from lms.courses.models import Course, CourseVersion, Lesson, Quiz
from lms.extensions import db
from lms.learning import quizforms
from lms.learning.models import LessonRead, QuizProgress
from lms.learning.services import allowed_attempts, mark_read, out_of_tries

CONTENT_KEPT = 512  # lessons kept per process (a course has about ten; a few courses are live)
CONTENT_BUDGET = 16 * 1024 * 1024  # and their bytes (a lesson's source is at most LESSON_MAX_BYTES)


@dataclass(frozen=True)
class QuizContent:
    """A quiz of a published version, as its form needs it."""

    id: int
    key: str
    round: int
    pass_mark: int
    attempts: int | None
    shuffle: bool
    spec: dict


@dataclass(frozen=True)
class Neighbour:
    """The lesson before or after: where to link and what to call it."""

    slug: str
    title: str


@dataclass(frozen=True)
class LessonContent:
    """A lesson of a published version: the same for every reader, for ever."""

    key: tuple  # (version id, content hash, lesson slug): what identifies it for ever
    course_slug: str
    version_title: str
    lang: str
    slug: str
    title: str
    html: str
    quizzes: tuple[QuizContent, ...]
    previous: Neighbour | None
    following: Neighbour | None


@dataclass
class QuizOnPage:
    """A quiz as its form shows it to this learner."""

    quiz: QuizContent
    token: str
    questions: list[dict]
    status: Row | None  # this round's tries, best score and pass
    allowed: int | None
    out_of_tries: bool
    updated: bool  # taken in an earlier round: the quiz changed and is to be taken again


@dataclass
class LessonPage:
    """A lesson and its quiz forms for one learner."""

    lesson: LessonContent
    quizzes: dict[str, QuizOnPage]


@service
def open_lesson(user: User, slug: str, lesson_slug: str, tokens: dict) -> LessonPage:
    """The lesson page for this learner, marking the lesson read (idempotent) and keeping each
    quiz's attempt token in `tokens` (the session), or NotFound."""
    # Plain rows, so run on the session's connection: the ORM's handling of a statement cost
    # more than SQLite's running it (about 50 µs each, measured).
    live = (
        db.session.connection()
        .execute(_live_query(), {"slug": slug, "user_id": user.id, "lesson": lesson_slug})
        .first()
    )
    if live is None:
        raise NotFound
    content = lesson_content(live.version_id, live.content_hash, lesson_slug)
    if content is None:
        raise NotFound
    if not live.read:
        mark_read(user, db.session.get(Course, live.course_id), lesson_slug)
    return LessonPage(content, _quiz_forms(user, live.course_id, content.quizzes, tokens))


def lesson_content(version_id: int, content_hash: str, lesson_slug: str) -> LessonContent | None:
    """A lesson of a published version, read once per process (None: no such lesson)."""
    key = (version_id, content_hash, lesson_slug)
    return kept("lesson_content", key, lambda: _read_content(key), CONTENT_KEPT, CONTENT_BUDGET)


def _read_content(key: tuple) -> LessonContent | None:
    """The lesson, its quizzes and its neighbours, from the database."""
    version_id, _, lesson_slug = key
    found = db.session.execute(
        select(Lesson, CourseVersion, Course.slug)
        .join(CourseVersion, CourseVersion.id == Lesson.version_id)
        .join(Course, Course.id == CourseVersion.course_id)
        .where(Lesson.version_id == version_id, Lesson.slug == lesson_slug)
    ).first()
    if found is None:
        return None
    lesson, version, course_slug = found
    quizzes = db.session.execute(select(Quiz).filter_by(lesson_id=lesson.id).order_by(Quiz.id)).scalars()
    previous, following = _neighbours(version_id, lesson.position)
    return LessonContent(
        key=key,
        course_slug=course_slug,
        version_title=version.title,
        lang=version.lang,
        slug=lesson.slug,
        title=lesson.title,
        html=lesson.html,
        quizzes=tuple(
            QuizContent(quiz.id, quiz.key, quiz.round, quiz.pass_mark, quiz.attempts, quiz.shuffle, quiz.spec)
            for quiz in quizzes
        ),
        previous=previous,
        following=following,
    )


def _neighbours(version_id: int, position: int) -> tuple[Neighbour | None, Neighbour | None]:
    """The lessons right before and after a position in a version (numbers may have gaps)."""
    same_version = Lesson.version_id == version_id
    before = select(func.max(Lesson.position)).where(same_version, Lesson.position < position)
    after = select(func.min(Lesson.position)).where(same_version, Lesson.position > position)
    rows = db.session.execute(
        select(Lesson.position, Lesson.slug, Lesson.title).where(
            same_version, Lesson.position.in_([before.scalar_subquery(), after.scalar_subquery()])
        )
    ).all()
    previous = next((Neighbour(row.slug, row.title) for row in rows if row.position < position), None)
    following = next((Neighbour(row.slug, row.title) for row in rows if row.position > position), None)
    return previous, following


def _quiz_forms(
    user: User, course_id: int, quizzes: tuple[QuizContent, ...], tokens: dict
) -> dict[str, QuizOnPage]:
    """Each quiz's form: its attempt token and question order, and the learner's progress."""
    if not quizzes:
        return {}
    keys = {"user_id": user.id, "course_id": course_id, "keys": [quiz.key for quiz in quizzes]}
    rows = db.session.connection().execute(_progress_query(), keys)
    progress = {(row.quiz_key, row.round): row for row in rows}
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


def _attempt_token(user: User, quiz: QuizContent, tokens: dict) -> tuple[str, int]:
    """The token of the learner's current attempt at the quiz and its shuffle seed, kept in
    `tokens` so a reload shows the same order; a new one after each submission."""
    key = str(quiz.id)
    payload = quizforms.read_token(tokens.get(key, ""))
    if payload is None or payload["u"] != user.id or payload["q"] != quiz.id:
        seed = secrets.randbits(31)
        tokens[key] = quizforms.make_token(user.id, quiz.id, seed, secrets.token_hex(8))
        return tokens[key], seed
    return tokens[key], payload["s"]


@cache
def _live_query() -> Select:
    """A listed course's live version by the course's slug, and whether the user read a lesson."""
    read = exists().where(
        LessonRead.user_id == bindparam("user_id"),
        LessonRead.course_id == Course.id,
        LessonRead.lesson_slug == bindparam("lesson"),
    )
    return (
        select(Course.id.label("course_id"), CourseVersion.id.label("version_id"), CourseVersion.content_hash)
        .add_columns(read.label("read"))
        .join(CourseVersion, CourseVersion.id == Course.live_version_id)
        .where(Course.slug == bindparam("slug"), Course.unpublished_at.is_(None))
    )


@cache
def _progress_query() -> Select:
    """A learner's progress at some quizzes of a course, in every round (plain rows)."""
    return select(
        QuizProgress.quiz_key,
        QuizProgress.round,
        QuizProgress.attempts,
        QuizProgress.extra_attempts,
        QuizProgress.best_score,
        QuizProgress.passed_at,
    ).where(
        QuizProgress.user_id == bindparam("user_id"),
        QuizProgress.course_id == bindparam("course_id"),
        QuizProgress.quiz_key.in_(bindparam("keys", expanding=True)),
    )
