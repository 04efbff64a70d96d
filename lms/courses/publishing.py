"""Publishing: a checked course becomes a new immutable version, in one transaction."""

import hashlib
from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import func

from lms.auth.models import User
from lms.courses import asks
from lms.courses.models import Course, CourseFile, CourseVersion, Lesson, PublishEvent, Quiz
from lms.courses.parser import CourseSource, LessonSource
from lms.courses.passes import QuizChange, grading_changes, new_rounds
from lms.courses.problems import CourseInvalid
from lms.courses.quizzes import grading_hash
from lms.courses.rendering import Rendered, render_course
from lms.extensions import db


@dataclass
class Published:
    """The outcome for one course: its live version, whether this call made it, and what
    became of the passes of quizzes whose grading changed."""

    slug: str
    version: CourseVersion
    created: bool
    changes: list[QuizChange] = field(default_factory=list)
    retaken: frozenset[str] = frozenset()


def add_version(
    source: CourseSource, actor: User | None, origin: str, retake: Collection[str] = ()
) -> Published:
    """Make the course's new live version if it has no problems and its content changed,
    keeping every quiz's passes but for the quizzes in `retake` (flushes; the publishing
    service commits).

    Hook "version_published"(course): the new version is live (learning records the
    completions it grants, e.g. once a quiz nobody could pass is removed)."""
    if source.problems:
        raise CourseInvalid(source.problems)
    course = _course(source.slug)
    live = course.live_version
    if live is not None and live.content_hash == source.content_hash:
        return Published(source.slug, live, False)
    changes = grading_changes(course, source)
    version = _new_version(course, source, actor, origin, new_rounds(course, source, retake))
    course.live_version = version
    event = PublishEvent(
        course_id=course.id, version_id=version.id, actor_id=actor and actor.id, origin=origin
    )
    event.detail = {"quizzes": _decisions(changes, retake)}
    db.session.add(event)
    db.session.flush()
    asks.version_published.answers(course)  # e.g. completions a removed quiz now grants
    return Published(source.slug, version, True, changes, frozenset(retake))


def _decisions(changes: list[QuizChange], retake: Collection[str]) -> list[dict]:
    """For the course history: each quiz whose grading changed, and each retaken quiz, with
    how many had passed it and what became of their passes."""
    decided = [
        {"key": change.key, "passed": change.passed, "decision": "retake" if change.key in retake else "keep"}
        for change in changes
    ]
    changed = {change.key for change in changes}
    return decided + [{"key": key, "decision": "retake"} for key in sorted(set(retake) - changed)]


def _course(slug: str) -> Course:
    """The course with this id, created on first publish."""
    course = db.session.execute(db.select(Course).filter_by(slug=slug)).scalar_one_or_none()
    if course is None:
        course = Course(slug=slug)
        db.session.add(course)
        db.session.flush()
    return course


def _new_version(
    course: Course, source: CourseSource, actor: User | None, origin: str, rounds: dict[str, int]
) -> CourseVersion:
    """Render everything (within the time budget) and store the version with its files,
    lessons and quizzes."""
    latest = db.session.execute(
        db.select(func.max(CourseVersion.number)).filter_by(course_id=course.id)
    ).scalar()
    number = (latest or 0) + 1
    rendered, problems = render_course(source, number)
    if problems:
        raise CourseInvalid(problems)
    version = CourseVersion(
        course_id=course.id,
        number=number,
        content_hash=source.content_hash,
        title=source.title,
        lang=source.lang,
        summary=source.summary,
        pass_mark=source.pass_mark,
        certificate=source.certificate,
        intro_html=rendered.intro_html,
        published_by_id=actor and actor.id,
        origin=origin,
        based_on_id=course.live_version_id,
    )
    db.session.add(version)
    db.session.flush()
    for path, data in source.files.items():
        digest = hashlib.sha256(data).hexdigest()
        db.session.add(CourseFile(version_id=version.id, path=path, sha256=digest, size=len(data), data=data))
    for lesson in source.lessons:
        _add_lesson(version, lesson, source, rendered, rounds)
    return version


def _add_lesson(
    version: CourseVersion,
    lesson: LessonSource,
    source: CourseSource,
    rendered: Rendered,
    rounds: dict[str, int],
) -> None:
    """Store a rendered lesson, with quiz markers in place, and its quizzes."""
    html, quizzes = rendered.lessons[lesson.path]
    row = Lesson(
        version_id=version.id,
        position=lesson.position,
        slug=lesson.slug,
        title=lesson.title,
        duration_min=lesson.duration_min,
        source_path=lesson.path,
        html=html,
    )
    db.session.add(row)
    db.session.flush()
    for quiz, spec in quizzes:
        db.session.add(
            Quiz(
                version_id=version.id,
                lesson_id=row.id,
                key=quiz.key,
                content_hash=quiz.content_hash,
                grading_hash=grading_hash(quiz, source.pass_mark),
                round=rounds[quiz.key],
                pass_mark=source.pass_mark if quiz.pass_mark is None else quiz.pass_mark,
                attempts=quiz.attempts,
                shuffle=quiz.shuffle,
                spec=spec,
            )
        )
