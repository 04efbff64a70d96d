"""Atomic file writes: readers see the old file or the complete new one, never half of one;
private modes; and no file made where the service's user could not use it later."""

import os
import pwd
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


@contextmanager
def atomic_path(path: Path, exclusive: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside `path` to fill; on success it takes `path`'s name.

    The temporary file is removed whatever happens, so a failure (a full disk, an error in
    the block) leaves nothing behind. With `exclusive`, an existing `path` is kept as it is.
    """
    # Beside the target, so the rename stays on one filesystem; unique, so racing writers
    # (processes or threads) never share a temporary file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        yield tmp
        if exclusive:
            with suppress(FileExistsError):  # another writer won the race: its file is kept
                os.link(tmp, path)
        else:
            tmp.replace(path)
    finally:
        with suppress(OSError):  # never mask the error being raised, e.g. a missing folder
            tmp.unlink(missing_ok=True)


class ForeignFolder(PermissionError):
    """A file would be made in a folder that belongs to another user than the one running."""


def owner_name(uid: int) -> str:
    """A user's name, or their number when the system does not know it."""
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return str(uid)


def _nearest(path: Path) -> Path:
    """`path`, or the nearest folder above it that exists."""
    return next(folder for folder in [path, *path.parents] if folder.exists())


def foreign_owner(path: Path) -> str | None:
    """The owner of `path` (or of the nearest folder above it that exists) when that is
    not this process's user; None when it is."""
    uid = _nearest(path).stat().st_uid
    return None if uid == os.geteuid() else owner_name(uid)


def refuse_foreign(owned: Path) -> None:
    """Raise ForeignFolder when `owned` (or the nearest folder above it that exists) belongs to
    another user (root running a command in the service's instance/): a file made there
    could not be read, replaced or removed by the service."""
    owner = foreign_owner(owned)
    if owner is not None:
        raise ForeignFolder(
            f"{_nearest(owned)} belongs to {owner}, but this runs as {owner_name(os.geteuid())}: a file made "
            f"here could not be used by the site later. Run it as {owner} (docs/deploy.md: bin/lms)."
        )


def write_atomic(path: Path, data: bytes, mode: int | None = None, exclusive: bool = False) -> None:
    """Write `data` to `path` atomically; `mode` (e.g. 0o600) holds from creation on.

    Without a mode the file gets the usual permissions (0o666 less the umask), as open() does.
    With `exclusive`, a file already at `path` is kept and `data` is dropped.
    """
    refuse_foreign(path.parent)
    with atomic_path(path, exclusive) as tmp:
        _create(tmp, data, mode)


def _create(path: Path, data: bytes, mode: int | None) -> None:
    """Create a new file holding `data`, with exactly `mode` before any byte is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
    with os.fdopen(fd, "wb") as handle:
        if mode is not None:
            os.fchmod(fd, mode)  # the umask may have removed bits the caller asked for
        handle.write(data)


PRIVATE_FILE, PRIVATE_FOLDER = 0o600, 0o700  # personal data: the service's own user only


def private_folder(path: Path) -> Path:
    """Create `path` and its missing parents (instance/ itself, say) for the service's user
    only, and tighten `path` if it was made readable by others before."""
    for folder in reversed([path, *path.parents]):
        if not folder.exists():
            refuse_foreign(folder.parent)
            with suppress(FileExistsError):  # another worker made it at this moment
                folder.mkdir(mode=PRIVATE_FOLDER)
    _tighten(path, PRIVATE_FOLDER)
    return path


def private_sqlite_file(path: Path) -> None:
    """Create a SQLite database file 0600 before SQLite opens it (SQLite gives its -wal and
    -shm files the database file's permissions), and tighten the three if they exist. A
    database another user owns is refused: SQLite would make its -wal and -shm as this one."""
    refuse_foreign(path)  # the file itself when it exists
    refuse_foreign(path.parent)
    with suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    for name in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with suppress(FileNotFoundError):
            _tighten(name, PRIVATE_FILE)


def _tighten(path: Path, mode: int) -> None:
    """Take away what others may do with `path`, if anything."""
    if stat.S_IMODE(path.stat().st_mode) & 0o077:
        path.chmod(mode)
