"""Loading course files from a folder or a .zip archive, safely."""

import io
import lzma
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from lms.courses.problems import CourseInvalid, Problem

# What zipfile raises on a damaged, truncated or encrypted archive: it has no single error.
UNREADABLE = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    IndexError,
    RuntimeError,
)


@dataclass(frozen=True)
class Limits:
    """How big a course may be: per file, in all, and how many files."""

    max_bytes: int
    max_files: int

    @classmethod
    def from_config(cls) -> "Limits":
        """The COURSE_MAX_BYTES and COURSE_MAX_FILES settings (for folders and uploads alike)."""
        return cls(current_app.config["COURSE_MAX_BYTES"], current_app.config["COURSE_MAX_FILES"])


def course_folders(paths: list[Path]) -> list[Path]:
    """Each PATH is a course folder (it has course.md) or a folder of course folders."""
    folders = []
    for path in paths:
        if not path.is_dir() or any(path.glob("*.md")):  # a course folder, even one lacking course.md
            folders.append(path)
        else:
            folders += sorted(
                child for child in path.iterdir() if child.is_dir() and not child.name.startswith(".")
            )
    return folders


def read_folder(folder: Path, limits: Limits) -> dict[str, bytes]:
    """Every regular file below the folder by relative POSIX path; dotfiles are skipped."""
    if not folder.is_dir():
        raise CourseInvalid([Problem("", 1, _l("not a course folder"))])
    files, total = {}, 0
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or path.is_dir():
            continue
        if path.is_symlink() or not path.is_file():
            raise CourseInvalid(
                [Problem(relative.as_posix(), 1, _l("links and special files are not allowed"))]
            )
        data = path.read_bytes()
        total += len(data)
        _check_limits(len(files) + 1, total, limits)
        files[relative.as_posix()] = data
    return files


def read_zip(data: bytes, limits: Limits) -> tuple[str, dict[str, bytes]]:
    """(course id, files) from an uploaded .zip holding one course folder (or its files)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise CourseInvalid([Problem("", 1, _l("the upload is not a .zip archive"))]) from None
    except UNREADABLE:
        raise _damaged("") from None
    with archive:
        # not info.is_dir(), which fails on a damaged entry with an empty name
        members = [info for info in archive.infolist() if not info.filename.endswith("/")]
        _check_limits(len(members), sum(info.file_size for info in members), limits)
        names = {info.filename: _safe_member(info) for info in members}
        prefix = _common_folder(list(names.values()))
        files = {}
        for info in members:
            relative = names[info.filename][len(prefix) :]
            if any(part.startswith(".") or part == "__MACOSX" for part in relative.split("/")):
                continue
            files[relative] = _read_member(archive, info, limits)
    return prefix.rstrip("/"), files


def _safe_member(info: zipfile.ZipInfo) -> str:
    """The member's path, refusing anything that could escape the course folder or is a link."""
    name = info.filename.replace("\\", "/")
    path = PurePosixPath(name)
    if name.startswith("/") or ".." in path.parts or (path.parts and ":" in path.parts[0]):
        raise CourseInvalid([Problem(name, 1, _l("this path leaves the course folder"))])
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise CourseInvalid([Problem(name, 1, _l("links and special files are not allowed"))])
    return path.as_posix()


def _common_folder(names: list[str]) -> str:
    """'course-id/' when every file sits in one top folder, else ''."""
    tops = {name.split("/", 1)[0] for name in names if "/" in name}
    if len(tops) == 1 and all("/" in name for name in names):
        return tops.pop() + "/"
    return ""


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> bytes:
    """Read a member, never more than the limit even if its header lies about its size."""
    try:
        with archive.open(info) as handle:
            data = handle.read(limits.max_bytes + 1)
    except UNREADABLE:
        raise _damaged(info.filename) from None
    if len(data) > limits.max_bytes:
        raise CourseInvalid([Problem(info.filename, 1, _l("the course is larger than the limit"))])
    return data


def _damaged(name: str) -> CourseInvalid:
    """A file of the archive (or its directory) that cannot be read back."""
    return CourseInvalid(
        [Problem(name, 1, _l("the .zip archive is damaged or encrypted: it cannot be read"))]
    )


def _check_limits(count: int, total: int, limits: Limits) -> None:
    """Refuse courses with too many files or too many bytes."""
    if count > limits.max_files:
        raise CourseInvalid(
            [
                Problem(
                    "",
                    1,
                    lazy_ngettext(
                        "the course has more than %(num)d file",
                        "the course has more than %(num)d files",
                        limits.max_files,
                    ),
                )
            ]
        )
    if total > limits.max_bytes:
        raise CourseInvalid(
            [Problem("", 1, _l("the course is larger than %(size)d MB", size=limits.max_bytes // 2**20))]
        )
