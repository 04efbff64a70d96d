"""Publishing: a checked course becomes a new immutable version, in one transaction."""

import hashlib
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import func

from lms import hooks
from lms.auth.models import User
from lms.courses import markdown
from lms.courses.kinds import kind_of
from lms.courses.models import Course, CourseFile, CourseVersion, Lesson, PublishEvent, Quiz
from lms.courses.parser import CourseSource, LessonSource
from lms.courses.passes import QuizChange, grading_changes, new_rounds
from lms.courses.problems import CourseInvalid
from lms.courses.quizzes import QuizBlock, grading_hash
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
    hooks.answers("version_published", course)  # e.g. completions a removed quiz now grants
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
    """Render everything and store the version with its files, lessons and quizzes."""
    latest = db.session.execute(
        db.select(func.max(CourseVersion.number)).filter_by(course_id=course.id)
    ).scalar()
    number = (latest or 0) + 1
    resolve = resolver(source, number)
    version = CourseVersion(
        course_id=course.id,
        number=number,
        content_hash=source.content_hash,
        title=source.title,
        lang=source.lang,
        summary=source.summary,
        pass_mark=source.pass_mark,
        certificate=source.certificate,
        intro_html=markdown.render(source.intro, resolve),
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
        _add_lesson(version, lesson, source, resolve, rounds)
    return version


def _add_lesson(
    version: CourseVersion, lesson: LessonSource, source: CourseSource, resolve, rounds: dict[str, int]
) -> None:
    """Render the lesson with quiz markers in place and store its quizzes."""
    html, quizzes = render_lesson(lesson, resolve)
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
    for quiz in quizzes:
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
                spec=quiz_spec(quiz, resolve),
            )
        )


def render_lesson(lesson: LessonSource, resolve) -> tuple[str, list[QuizBlock]]:
    """Lesson HTML where each quiz is a `<!--quiz:KEY-->` marker, plus the quizzes."""
    nonce = secrets.token_hex(8)  # a marker trainers cannot type by accident
    texts, quizzes = [], []
    for part in lesson.parts:
        if isinstance(part, QuizBlock):
            texts.append(f"\n\nQUIZ{nonce}{len(quizzes)}END\n\n")
            quizzes.append(part)
        else:
            texts.append(part)
    html = markdown.render("\n".join(texts), resolve)
    for index, quiz in enumerate(quizzes):
        marker = f"QUIZ{nonce}{index}END"
        # Its own paragraph, unless an unclosed raw HTML tag above took it in as plain text.
        html = html.replace(f"<p>{marker}</p>", marker).replace(marker, f"<!--quiz:{quiz.key}-->")
    return html, quizzes


QUIZ_MARKER = re.compile(r"<!--quiz:([a-z0-9-]+)-->")


def quiz_parts(html: str) -> list[dict]:
    """Split stored lesson HTML into {"html": …} and {"quiz": key} parts, in order."""
    pieces = QUIZ_MARKER.split(html)
    return [{"quiz": piece} if index % 2 else {"html": piece} for index, piece in enumerate(pieces) if piece]


def quiz_spec(quiz: QuizBlock, resolve) -> dict:
    """Everything needed to show and grade a quiz; each question's kind adds its own part."""

    def render(text: str) -> str:
        """One line of course Markdown as inline HTML, its links resolved."""
        return markdown.render_inline(text, resolve)

    questions = []
    for number, question in enumerate(quiz.questions):
        kind = kind_of(question)
        item = {"kind": kind.name, "html": render(question.text)}
        # The salt keeps option ids what they always were: sha256 of "<quiz hash>:<question>:<option>".
        questions.append(item | kind.spec(question, render, f"{quiz.content_hash}:{number}"))
    return {"questions": questions, "explanation_html": markdown.render(quiz.explanation, resolve)}


def resolver(source: CourseSource, number: int):
    """Map a course-relative link to the URL of an asset of this version, or of a lesson."""
    adapter = current_app.url_map.bind("", script_name=current_app.config.get("APPLICATION_ROOT", "/"))
    lessons = {lesson.path: lesson.slug for lesson in source.lessons}

    def resolve(path: str) -> str | None:
        if path in lessons:
            return adapter.build("learning.lesson", {"slug": source.slug, "lesson_slug": lessons[path]})
        if path in source.assets:
            return adapter.build("courses.asset", {"slug": source.slug, "number": number, "path": path})
        return None

    return resolve
