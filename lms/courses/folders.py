"""Course folders on disk, and which version each one is based on.

A folder carries a small marker file (`.published-version`: course id, version number,
content hash) written whenever it is published or exported, so publishing from the folder
can tell whether someone published from the web since: that would be undone."""

import shutil
from dataclasses import dataclass
from pathlib import Path

from lms.core.files import write_atomic
from lms.courses.models import Course, CourseFile, CourseVersion
from lms.courses.parser import CourseSource
from lms.courses.source import Limits, read_folder
from lms.extensions import db

MARKER = ".published-version"  # a dotfile: never part of the course itself


class FolderError(Exception):
    """A folder cannot be written or published over; str() says why and what to do."""


@dataclass
class Base:
    """The version a folder was last published as or exported from."""

    slug: str
    number: int
    content_hash: str


def read_base(folder: Path) -> Base | None:
    """The folder's marker, if it has a readable one."""
    try:
        slug, number, content_hash = (folder / MARKER).read_text().split()
        return Base(slug, int(number), content_hash)
    except (OSError, ValueError):
        return None


def mark(folder: Path, version: CourseVersion) -> None:
    """Record in the folder which version it now is."""
    write_atomic(folder / MARKER, f"{version.course.slug} {version.number} {version.content_hash}\n".encode())


def base_number(course: Course, folder: Path) -> int:
    """The number of the version the folder is based on: its marker's, when that version
    exists as marked; otherwise the last version published from a folder (0: none)."""
    base = read_base(folder)
    if base is not None and base.slug == course.slug:
        query = db.select(CourseVersion.id).filter_by(
            course_id=course.id, number=base.number, content_hash=base.content_hash
        )
        if db.session.execute(query).first() is not None:
            return base.number
    query = db.select(db.func.max(CourseVersion.number)).filter_by(course_id=course.id, origin="cli")
    return db.session.execute(query).scalar() or 0


def web_conflict(course: Course, folder: Path, source: CourseSource) -> CourseVersion | None:
    """The newest version published from the web since the folder's base, which publishing the
    folder would undo (None when there is none, or the folder holds exactly the live version)."""
    live = course.live_version
    if live is None or live.content_hash == source.content_hash:
        return None
    query = (
        db.select(CourseVersion)
        .filter(CourseVersion.course_id == course.id, CourseVersion.number > base_number(course, folder))
        .filter(CourseVersion.origin != "cli")
        .order_by(CourseVersion.number.desc())
    )
    return db.session.execute(query).scalars().first()


def export(version: CourseVersion, folder: Path, force: bool = False) -> None:
    """Write a version's files as the course folder, byte for byte, replacing the folder only
    when nothing in it would be lost (its content was published) unless forced."""
    if folder.exists() and not force:
        _refuse_unpublished_changes(version.course, folder)
    files = db.session.execute(
        db.select(CourseFile.path, CourseFile.data).filter_by(version_id=version.id)
    ).all()
    staging = folder.with_name(f".{folder.name}.export")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        for path, data in files:
            target = staging / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        _swap(staging, folder)
    except OSError as error:
        shutil.rmtree(staging, ignore_errors=True)
        raise FolderError(f"could not write {folder}: {error.strerror or error}") from error
    mark(folder, version)


def _refuse_unpublished_changes(course: Course, folder: Path) -> None:
    """Refuse to overwrite a folder whose content no version of the course holds."""
    try:
        files = read_folder(folder, Limits.from_config())
    except Exception as error:  # unreadable as a course: it may hold anything  # noqa: BLE001
        raise FolderError(
            f"{folder} is not a course folder that was published; move it away first ({error})"
        ) from None
    content_hash = CourseSource(course.slug, files).content_hash
    query = db.select(CourseVersion.id).filter_by(course_id=course.id, content_hash=content_hash)
    if files and db.session.execute(query).first() is None:
        raise FolderError(
            f"{folder} holds changes that were never published; exporting would overwrite them. "
            "Move them away or publish them first, or export with --force."
        )


def _swap(staging: Path, folder: Path) -> None:
    """Put the staged folder in place of the old one (whose dotfiles it keeps)."""
    old = folder.with_name(f".{folder.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        for dotfile in folder.glob(".*"):
            if dotfile.name != MARKER and dotfile.is_file():
                shutil.copy2(dotfile, staging / dotfile.name)
        folder.rename(old)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
