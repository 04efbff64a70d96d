"""A course's drafts: files changed in the browser or by an upload, not published yet.

The drafts lie over the live version (a draft without data deletes its file); a new course
uploaded on the web has drafts only. Nothing here is seen by learners until an owner
publishes (courses/services.py)."""

import hashlib
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from lms.auth.models import User
from lms.core.errors import NotFound
from lms.core.transactions import service
from lms.courses.models import Course, CourseFile, CourseOwner, DraftFile
from lms.courses.owners import claim, ensure_editor
from lms.courses.parser import SLUG_PATTERN, CourseSource, parse_course
from lms.courses.problems import CourseInvalid, Problem
from lms.courses.rendering import INTRO, render_one, too_slow
from lms.courses.source import Limits, read_zip
from lms.extensions import db

CHANGE_KINDS = ("added", "changed", "deleted")


class UploadRefused(Exception):
    """An upload cannot go into the drafts; str() is a translatable message."""


@dataclass
class Preview:
    """A draft rendered for its author: HTML, its quizzes, and the course's problems."""

    html: str
    quizzes: list
    problems: list[Problem]
    slow: bool = False  # the file ran over the time budget: not rendered


def drafts(course: Course) -> dict[str, DraftFile]:
    """Unpublished changes of a course by file path."""
    rows = db.session.execute(db.select(DraftFile).filter_by(course_id=course.id)).scalars()
    return {row.path: row for row in rows}


def courses_with_drafts() -> set[int]:
    """Ids of courses that have unpublished changes."""
    return set(db.session.execute(db.select(DraftFile.course_id).distinct()).scalars())


def live_files(course: Course) -> dict[str, bytes]:
    """Every file of the live version (none for a course never published)."""
    query = db.select(CourseFile.path, CourseFile.data).filter_by(version_id=course.live_version_id)
    return dict(db.session.execute(query).all()) if course.live_version_id else {}


def draft_files(course: Course, changes: dict[str, str] | None = None) -> dict[str, bytes]:
    """The course's files as they would be published: live, drafts over them, then `changes`."""
    files = live_files(course)
    for path, draft in drafts(course).items():
        if draft.data is None:
            files.pop(path, None)
        else:
            files[path] = draft.data
    files |= {path: text.encode("utf-8") for path, text in (changes or {}).items()}
    return files


def draft_source(course: Course, changes: dict[str, str] | None = None) -> CourseSource:
    """The drafts parsed and checked, as publishing would see them."""
    return parse_course(course.slug, draft_files(course, changes))


def changes(course: Course) -> list[tuple[str, str]]:
    """(path, added | changed | deleted) for every draft, by path."""
    live = live_files(course)
    listed = []
    for path, draft in sorted(drafts(course).items()):
        if draft.data is None:
            listed.append((path, "deleted"))
        elif draft.data != live.get(path):
            listed.append((path, "changed" if path in live else "added"))
    return listed


def markdown_files(course: Course) -> dict[str, str]:
    """The course's Markdown files (course.md and lessons) as they are in the drafts."""
    return {
        path: data.decode("utf-8", errors="replace")
        for path, data in draft_files(course).items()
        if path.endswith(".md") and "/" not in path
    }


def editable_path(course: Course, path: str) -> str:
    """A Markdown file of the course that may be edited (course.md or a lesson)."""
    if path not in markdown_files(course):
        raise NotFound
    return path


def preview(course: Course, path: str, text: str) -> Preview:
    """Render a file as it would be published (within the time budget), and check the whole
    course with it."""
    source = draft_source(course, {path: text})
    if path != INTRO and all(lesson.path != path for lesson in source.lessons):
        return Preview("", [], source.problems)  # not a lesson (its problem says why), or too large
    rendered, slow = render_one(source, _next_number(course), path)
    if slow is not None:
        return Preview("", [], [*source.problems, slow], slow=True)
    if path == INTRO:
        return Preview(rendered, [], source.problems)
    html, quizzes = rendered
    return Preview(html, [quiz for quiz, _spec in quizzes], source.problems)


def saved_preview(course: Course, path: str) -> Preview:
    """The file as saved, for a GET: a draft that ran over the time budget is not rendered
    again, and one rendered when saved is shown as it was, if nothing it depends on changed."""
    draft = drafts(course).get(path)
    source = draft_source(course)
    if draft is not None and draft.slow:
        return Preview("", [], [*source.problems, too_slow(source, path)], slow=True)
    if draft is not None and draft.preview_key == _preview_key(course, source, path):
        lesson = next((item for item in source.lessons if item.path == path), None)
        return Preview(draft.preview_html or "", lesson.quizzes if lesson else [], source.problems)
    return preview(course, path, markdown_files(course)[path])


def _preview_key(course: Course, source: CourseSource, path: str) -> str:
    """What a file's preview depends on: its text, the files its links may point at, the version."""
    digest = hashlib.sha256(f"{_next_number(course)}\0{path}\0".encode() + source.files.get(path, b""))
    for name in sorted(source.files):
        digest.update(name.encode() + b"\0")
    return digest.hexdigest()


def problems(course: Course) -> list[Problem]:
    """Every problem of the drafts as they stand: checked, and those that render too slowly."""
    source = draft_source(course)
    slow = [too_slow(source, path) for path, draft in drafts(course).items() if draft.slow and draft.data]
    return [*source.problems, *slow]


def _next_number(course: Course) -> int:
    """The number a new version would get (for links to its images)."""
    return (course.live_version.number if course.live_version else 0) + 1


@service
def save_draft(actor: User, course: Course, path: str, text: str) -> Preview:
    """Keep an edit of one file without publishing it (owners only); its preview, rendered
    once, and whether it renders in time are kept with it."""
    ensure_editor(actor, course)
    draft = _put(course, path, text.encode("utf-8"), actor, "editor")
    result = preview(course, path, text)
    draft.slow, draft.preview_html = result.slow, result.html
    draft.preview_key = None if result.slow else _preview_key(course, draft_source(course), path)
    return result


@service
def mark_slow(course: Course, paths: list[str]) -> None:
    """Remember which drafts ran over the time budget (after a failed publish or upload)."""
    for path, draft in drafts(course).items():
        if path in paths:
            draft.slow = True


def _put(course: Course, path: str, data: bytes | None, actor: User, origin: str) -> DraftFile:
    """Set one file of the drafts (None deletes it in the draft); flushes."""
    draft = drafts(course).get(path) or DraftFile(course_id=course.id, path=path)
    draft.data, draft.author_id, draft.origin, draft.slow = data, actor.id, origin, False
    draft.preview_html = draft.preview_key = None
    db.session.add(draft)
    db.session.flush()
    return draft


@service
def discard_drafts(actor: User, course: Course) -> None:
    """Throw away every unpublished change; a course never published goes with them."""
    ensure_editor(actor, course)
    for draft in drafts(course).values():
        db.session.delete(draft)
    if course.live_version_id is None:
        _forget_unpublished(course)


def _forget_unpublished(course: Course) -> None:
    """Remove a course that was only ever a draft: it has no history to keep (flushes)."""
    db.session.execute(db.delete(CourseOwner).filter_by(course_id=course.id))
    db.session.flush()
    db.session.delete(course)


@service
def upload(actor: User, data: bytes, slug: str, new: bool) -> Course:
    """Put an uploaded .zip into a course's drafts, replacing the drafts there: an existing
    course the actor may edit, or a new one with the id they typed. The archive may hold the
    files at its top or in one folder; its names never decide the course."""
    course = _new_course(actor, slug) if new else _course_to_update(actor, slug)
    _refuse_others_drafts(actor, course)
    try:
        _folder, files = read_zip(data, Limits.from_config())
    except CourseInvalid as invalid:  # nothing written: the unit of work is rolled back
        raise CourseInvalid(invalid.problems, base=slug) from None
    live = live_files(course)
    for draft in drafts(course).values():
        db.session.delete(draft)
    db.session.flush()
    changed = {path: content for path, content in files.items() if live.get(path) != content}
    changed |= dict.fromkeys(set(live) - set(files))  # files the upload no longer has
    for path, content in changed.items():
        db.session.add(
            DraftFile(course_id=course.id, path=path, data=content, author_id=actor.id, origin="upload")
        )
    return course


def _new_course(actor: User, slug: str) -> Course:
    """A course created on the web, owned by its creator (flushes)."""
    if not SLUG_PATTERN.match(slug or ""):
        raise UploadRefused(_l("A course id uses only lowercase English letters, digits and hyphens."))
    if db.session.execute(db.select(Course.id).filter_by(slug=slug)).first() is not None:
        raise UploadRefused(
            _l("A course with the id %(slug)s exists already: choose it to update it.", slug=slug)
        )
    course = Course(slug=slug)
    db.session.add(course)
    db.session.flush()
    claim(course, actor)
    return course


def _course_to_update(actor: User, slug: str) -> Course:
    """An existing course the actor may change."""
    course = db.session.execute(db.select(Course).filter_by(slug=slug)).scalar_one_or_none()
    if course is None:
        raise UploadRefused(_l("Choose the course the upload updates."))
    ensure_editor(actor, course)
    return course


def _refuse_others_drafts(actor: User, course: Course) -> None:
    """An upload replaces the drafts: never someone else's unpublished work."""
    others = [draft for draft in drafts(course).values() if draft.author_id != actor.id]
    if others:
        latest = max(others, key=lambda draft: draft.updated_at)
        raise UploadRefused(
            _l(
                "%(name)s has unpublished changes to this course (%(files)s). Publish or discard them first.",
                name=latest.author.name,
                files=", ".join(sorted(draft.path for draft in others)),
            )
        )
