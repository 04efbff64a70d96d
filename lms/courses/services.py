"""Course rules for the web: reading published versions, uploads, drafts and publishing."""

import io
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload, undefer

from lms.auth.models import User
from lms.courses import markdown
from lms.courses.models import Course, CourseFile, CourseVersion, Lesson, LessonDraft, PublishEvent, Quiz
from lms.courses.parser import CourseSource, parse_course
from lms.courses.problems import CourseInvalid, Problem
from lms.courses.publishing import Published, add_version, render_lesson, resolver
from lms.courses.source import Limits, read_folder, read_zip
from lms.errors import NotFound
from lms.extensions import db


@dataclass
class Preview:
    """A draft rendered for its author: HTML, its quizzes, and the course's problems."""

    html: str
    quizzes: list
    problems: list[Problem]


def published_courses() -> list[CourseVersion]:
    """The live version of every published course, by title."""
    query = db.select(CourseVersion).join(Course, Course.live_version_id == CourseVersion.id)
    return list(db.session.execute(query.order_by(CourseVersion.title)).scalars())


def courses_with_drafts() -> set[int]:
    """Ids of courses that have unpublished edits."""
    return set(db.session.execute(db.select(LessonDraft.course_id).distinct()).scalars())


def get_course(slug: str) -> Course:
    """The course with this id, or NotFound."""
    course = db.session.execute(db.select(Course).filter_by(slug=slug)).scalar_one_or_none()
    if course is None or course.live_version is None:
        raise NotFound
    return course


def live_lesson(slug: str, lesson_slug: str) -> tuple[CourseVersion, Lesson]:
    """A lesson of the course's live version, with its text and quizzes loaded."""
    version = get_course(slug).live_version
    query = (
        db.select(Lesson)
        .filter_by(version_id=version.id, slug=lesson_slug)
        .options(undefer(Lesson.html), selectinload(Lesson.quizzes))
    )
    lesson = db.session.execute(query).scalar_one_or_none()
    if lesson is None:
        raise NotFound
    return version, lesson


def lesson_quizzes(lesson: Lesson) -> dict[str, Quiz]:
    """The lesson's quizzes by key."""
    return {quiz.key: quiz for quiz in lesson.quizzes}


def get_version(slug: str, number: int) -> CourseVersion:
    """A version of a course by its number."""
    query = db.select(CourseVersion).join(Course, CourseVersion.course_id == Course.id)
    version = db.session.execute(
        query.where(Course.slug == slug, CourseVersion.number == number)
    ).scalar_one_or_none()
    if version is None:
        raise NotFound
    return version


def asset(slug: str, number: int, path: str) -> CourseFile:
    """An image or other asset of a version (never its Markdown sources)."""
    version = get_version(slug, number)
    query = db.select(CourseFile).filter_by(version_id=version.id, path=path)
    found = db.session.execute(query).scalar_one_or_none()
    if found is None or "/" not in path:
        raise NotFound
    return found


def version_zip(slug: str, number: int) -> bytes:
    """A .zip of a version's files in a folder named after the course (publishable again)."""
    version = get_version(slug, number)
    files = db.session.execute(
        db.select(CourseFile).filter_by(version_id=version.id).order_by(CourseFile.path)
    ).scalars()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in files:
            archive.writestr(f"{slug}/{item.path}", item.data)
    return buffer.getvalue()


def history(slug: str) -> list[tuple[CourseVersion, PublishEvent, User | None]]:
    """Every version of a course, newest first, with who published it."""
    course = get_course(slug)
    query = (
        db.select(CourseVersion, PublishEvent, User)
        .join(PublishEvent, PublishEvent.version_id == CourseVersion.id)
        .outerjoin(User, User.id == PublishEvent.actor_id)
        .where(CourseVersion.course_id == course.id)
        .order_by(PublishEvent.at.desc(), PublishEvent.id.desc())
    )
    return [tuple(row) for row in db.session.execute(query)]


def check_folder(folder: Path) -> tuple[CourseSource | None, list[Problem]]:
    """Read and check one course folder: (the course, or None if unreadable; its problems)."""
    try:
        files = read_folder(folder, Limits.from_config())
    except CourseInvalid as invalid:
        return None, invalid.problems
    course = parse_course(folder.name, files)
    return course, course.problems


def publish(source: CourseSource, actor: User | None, origin: str, retake: Collection[str] = ()) -> Published:
    """Publish a checked course as a new version if its content changed (CLI, demo data),
    keeping every quiz's passes but for the quizzes in `retake`."""
    outcome = add_version(source, actor, origin, retake)
    db.session.commit()
    return outcome


def publish_upload(data: bytes, filename: str, actor: User) -> Published:
    """Publish a course uploaded as .zip; the folder inside (or the file name) is its id."""
    slug = filename.rsplit("/", 1)[-1].removesuffix(".zip")
    try:
        folder, files = read_zip(data, Limits.from_config())
        slug = folder or slug
        outcome = add_version(parse_course(slug, files), actor, "upload")
    except CourseInvalid as invalid:
        raise CourseInvalid(invalid.problems, base=slug) from None
    db.session.commit()
    return outcome


def drafts(course: Course) -> dict[str, LessonDraft]:
    """Unpublished edits of a course by file path."""
    rows = db.session.execute(db.select(LessonDraft).filter_by(course_id=course.id)).scalars()
    return {row.path: row for row in rows}


def markdown_files(course: Course) -> dict[str, str]:
    """The live version's Markdown files, with drafts laid over them."""
    files = _live_files(course)
    texts = {
        path: data.decode("utf-8") for path, data in files.items() if path.endswith(".md") and "/" not in path
    }
    texts |= {path: draft.text for path, draft in drafts(course).items()}
    return texts


def _live_files(course: Course) -> dict[str, bytes]:
    """Every file of the live version."""
    query = db.select(CourseFile).filter_by(version_id=course.live_version_id)
    return {item.path: item.data for item in db.session.execute(query).scalars()}


def _source_with(course: Course, changes: dict[str, str]) -> CourseSource:
    """The course as it would be with these file texts (drafts included)."""
    files = _live_files(course)
    files |= {path: draft.text.encode("utf-8") for path, draft in drafts(course).items()}
    files |= {path: text.encode("utf-8") for path, text in changes.items()}
    return parse_course(course.slug, files)


def editable_path(course: Course, path: str) -> str:
    """A Markdown file of the course that may be edited (course.md or a lesson)."""
    if path not in markdown_files(course):
        raise NotFound
    return path


def preview(course: Course, path: str, text: str) -> Preview:
    """Render a file as it would be published, and check the whole course with it."""
    source = _source_with(course, {path: text})
    resolve = resolver(source, (course.live_version.number if course.live_version else 0) + 1)
    lesson = next((item for item in source.lessons if item.path == path), None)
    if lesson is not None:
        html, quizzes = render_lesson(lesson, resolve)
    else:
        html, quizzes = markdown.render(source.intro, resolve), []
    return Preview(html, quizzes, source.problems)


def save_draft(course: Course, path: str, text: str, actor: User) -> None:
    """Keep an edit without publishing it."""
    draft = drafts(course).get(path)
    if draft is None:
        draft = LessonDraft(course_id=course.id, path=path, text=text, author_id=actor.id)
        db.session.add(draft)
    draft.text, draft.author_id = text, actor.id
    db.session.commit()


def discard_drafts(course: Course) -> None:
    """Throw away every unpublished edit of the course."""
    for draft in drafts(course).values():
        db.session.delete(draft)
    db.session.commit()


def publish_drafts(course: Course, actor: User) -> Published:
    """Publish the live version with the drafts applied; the drafts go in the same commit,
    also when they change nothing."""
    pending = drafts(course)
    if not pending:
        raise CourseInvalid([Problem("", 1, _l("there are no saved changes to publish"))])
    source = _source_with(course, {})
    for draft in pending.values():
        db.session.delete(draft)
    try:
        outcome = add_version(source, actor, "editor")
    except CourseInvalid:
        db.session.rollback()  # the drafts stay, for their author to fix
        raise
    db.session.commit()
    return outcome
