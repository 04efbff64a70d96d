"""Atomic file writes: readers see the old file or the complete new one, never half of one."""

import os
import secrets
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


def write_atomic(path: Path, data: bytes, mode: int | None = None, exclusive: bool = False) -> None:
    """Write `data` to `path` atomically; `mode` (e.g. 0o600) holds from creation on.

    Without a mode the file gets the usual permissions (0o666 less the umask), as open() does.
    With `exclusive`, a file already at `path` is kept and `data` is dropped.
    """
    with atomic_path(path, exclusive) as tmp:
        _create(tmp, data, mode)


def _create(path: Path, data: bytes, mode: int | None) -> None:
    """Create a new file holding `data`, with exactly `mode` before any byte is written."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666 if mode is None else mode)
    with os.fdopen(fd, "wb") as handle:
        if mode is not None:
            os.fchmod(fd, mode)  # the umask may have removed bits the caller asked for
        handle.write(data)
