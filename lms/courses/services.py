"""Course rules: reading published versions, the history, and publishing (from a folder or\nfrom the drafts), unpublishing and republishing."""

import io
import zipfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from lms.auth.models import User
from lms.core.clock import utcnow
from lms.core.errors import NotFound
from lms.core.paging import Page, page_of
from lms.core.transactions import service
from lms.courses import drafts, markdown
from lms.courses.models import Course, CourseFile, CourseVersion, PublishEvent
from lms.courses.owners import ensure_editor
from lms.courses.parser import CourseSource, parse_course
from lms.courses.passes import QuizChange, grading_changes
from lms.courses.problems import CourseInvalid, Problem, TooSlow
from lms.courses.publishing import Published, add_version
from lms.courses.rendering import render_course
from lms.courses.source import Limits, read_folder
from lms.extensions import db


def course_guide_html() -> str:
    """docs/course-format.md as HTML (sanitised as lessons are; its relative links dropped)."""
    text = (Path(current_app.root_path).parent / "docs" / "course-format.md").read_text(encoding="utf-8")
    return markdown.render(text, lambda _path: None)


def published_courses(first_lang: str) -> list[CourseVersion]:
    """The live version of every course learners see: those in `first_lang` (the reader's
    language) first, then by language and title."""
    query = db.select(CourseVersion).join(Course, Course.live_version_id == CourseVersion.id)
    query = query.where(Course.unpublished_at.is_(None))
    order = (CourseVersion.lang != first_lang, CourseVersion.lang, CourseVersion.title)
    return list(db.session.execute(query.order_by(*order)).scalars())


def staff_courses() -> list[Course]:
    """Every course, published or not, with its live version loaded (for trainers)."""
    query = db.select(Course).options(joinedload(Course.live_version)).order_by(Course.slug)
    return list(db.session.execute(query).scalars())


def get_course(slug: str) -> Course:
    """A course learners see (published, not unpublished), or NotFound."""
    course = db.session.execute(db.select(Course).filter_by(slug=slug)).scalar_one_or_none()
    if course is None or not course.listed:
        raise NotFound
    return course


def find_course(slug: str) -> Course | None:
    """The course with this id, if there is one (published or not)."""
    return db.session.execute(db.select(Course).filter_by(slug=slug)).scalar_one_or_none()


def course_for_staff(slug: str) -> Course:
    """Any course, published, unpublished or only drafted (for trainers), or NotFound."""
    course = find_course(slug)
    if course is None:
        raise NotFound
    return course


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


def history(course: Course, page: int = 1, per_page: int = 50) -> Page:
    """A page of the publishes, unpublishes and republishes of a course, newest first, each
    (version, event, who did it)."""
    query = (
        db.select(CourseVersion, PublishEvent, User)
        .join(PublishEvent, PublishEvent.version_id == CourseVersion.id)
        .outerjoin(User, User.id == PublishEvent.actor_id)
        .where(CourseVersion.course_id == course.id)
        .order_by(PublishEvent.at.desc(), PublishEvent.id.desc())
    )
    found = page_of(query, page, per_page)
    found.items = [tuple(row) for row in found.items]
    return found


def check_folder(folder: Path) -> tuple[CourseSource | None, list[Problem]]:
    """Read and check one course folder: (the course, or None if unreadable; its problems)."""
    try:
        files = read_folder(folder, Limits.from_config())
    except CourseInvalid as invalid:
        return None, invalid.problems
    course = parse_course(folder.name, files)
    _, slow = render_course(course, 1, every_file=True)  # the time budget holds here too
    return course, [*course.problems, *slow]


@service
def publish(source: CourseSource, actor: User | None, origin: str, retake: Collection[str] = ()) -> Published:
    """Publish a checked course as a new version if its content changed (CLI, demo data),
    keeping every quiz's passes but for the quizzes in `retake`."""
    outcome = add_version(source, actor, origin, retake)
    return outcome


@dataclass
class Plan:
    """What publishing a course's drafts would do: its problems, or the quizzes whose grading
    changed with how many passed them, and the fingerprint of exactly those drafts."""

    fingerprint: str
    problems: list[Problem]
    changes: list[QuizChange]

    @property
    def needs_decisions(self) -> bool:
        """Whether the publisher must choose, per quiz, between keeping passes and a retake."""
        return any(change.passed for change in self.changes)


def publish_plan(actor: User, course: Course) -> Plan:
    """Check the drafts and list the quizzes whose grading they change (nothing is written)."""
    ensure_editor(actor, course)
    if not drafts.drafts(course):
        return Plan("", [Problem("", 1, _l("there are no saved changes to publish"))], [])
    source, problems = drafts.draft_source(course), drafts.problems(course)
    changes = [] if problems else grading_changes(course, source)
    return Plan(source.content_hash, problems, changes)


def publish_drafts(
    actor: User, course: Course, retake: Collection[str] = (), fingerprint: str = ""
) -> Published:
    """Publish the drafts as the new live version, with the publisher's retake decisions; the
    drafts go in the same commit, also when they change nothing. With a fingerprint, the
    drafts must still be the ones the decisions were made on. When rendering finds files too
    slow, nothing is published (CourseInvalid) and, in a second unit of work, those drafts
    are marked slow, so the review lists them."""
    try:
        return _publish_drafts(actor, course, retake, fingerprint)
    except CourseInvalid as invalid:
        slow = [problem.file for problem in invalid.problems if isinstance(problem, TooSlow)]
        if slow:
            drafts.mark_slow(course, slow)
        raise


@service
def _publish_drafts(actor: User, course: Course, retake: Collection[str], fingerprint: str) -> Published:
    """The publish of `publish_drafts`, one unit of work: all or nothing."""
    ensure_editor(actor, course)
    pending = drafts.drafts(course)
    if not pending:
        raise CourseInvalid([Problem("", 1, _l("there are no saved changes to publish"))])
    source = drafts.draft_source(course)
    if fingerprint and source.content_hash != fingerprint:
        raise DraftsChanged
    origin = "upload" if any(draft.origin == "upload" for draft in pending.values()) else "editor"
    for draft in pending.values():
        db.session.delete(draft)
    return add_version(source, actor, origin, retake)


class DraftsChanged(Exception):
    """The drafts changed after the publisher saw what publishing would do: ask again."""


@service
def unpublish(actor: User, course: Course) -> None:
    """Take a course away from learners (their progress, completions and certificates stay)."""
    _set_listed(actor, course, False)


@service
def republish(actor: User, course: Course) -> None:
    """Give an unpublished course back to learners, at the version that was live."""
    _set_listed(actor, course, True)


def _set_listed(actor: User, course: Course, listed: bool) -> None:
    """Unpublish or republish, recorded in the course history (flushes)."""
    ensure_editor(actor, course)
    if course.live_version_id is None or course.listed == listed:
        raise NotFound
    course.unpublished_at = None if listed else utcnow()
    origin = "republish" if listed else "unpublish"
    db.session.add(
        PublishEvent(course_id=course.id, version_id=course.live_version_id, actor_id=actor.id, origin=origin)
    )
