"""Atomic writes: the whole new file under its name, or nothing new at all."""

import os
import stat
import threading

import pytest

from lms.core import files
from lms.core.files import atomic_path, write_atomic


def mode_of(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_replaces_the_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "sheet.csv"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert list(tmp_path.iterdir()) == [target]


def test_without_a_mode_the_umask_decides_as_for_open(tmp_path):
    old = os.umask(0o022)
    try:
        write_atomic(tmp_path / "a.pdf", b"%PDF")
    finally:
        os.umask(old)
    assert mode_of(tmp_path / "a.pdf") == 0o644


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o277])
def test_mode_is_exact_whatever_the_umask(tmp_path, umask):
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "secret", b"key", mode=0o600)
    finally:
        os.umask(old)
    assert mode_of(tmp_path / "secret") == 0o600


def test_mode_holds_before_any_data_is_written(tmp_path, monkeypatch):
    seen = []
    real_fchmod = os.fchmod

    def spy(fd, mode):
        real_fchmod(fd, mode)
        seen.append((stat.S_IMODE(os.fstat(fd).st_mode), os.fstat(fd).st_size))

    monkeypatch.setattr(os, "fchmod", spy)
    write_atomic(tmp_path / "secret", b"key", mode=0o600)
    assert seen == [(0o600, 0)]


def test_a_failed_write_keeps_the_old_file_and_leaves_nothing_else(tmp_path, monkeypatch):
    target = tmp_path / "cert.pdf"
    target.write_bytes(b"old")

    def full(path, data, mode):
        path.write_bytes(data[:2])  # what a full disk leaves behind
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "_create", full)
    with pytest.raises(OSError, match="No space left"):
        write_atomic(target, b"new contents")
    assert target.read_bytes() == b"old"
    assert list(tmp_path.iterdir()) == [target]


def test_an_error_in_the_block_removes_the_temporary_file(tmp_path):
    target = tmp_path / "backup.sqlite3"
    with pytest.raises(RuntimeError), atomic_path(target) as partial:
        partial.write_bytes(b"half a backup")
        raise RuntimeError("integrity check failed")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_raises_its_own_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "missing" / "file", b"data")
    assert list(tmp_path.iterdir()) == []


def test_the_temporary_file_sits_hidden_beside_the_target(tmp_path):
    with atomic_path(tmp_path / "backup.sqlite3") as partial:
        assert partial.parent == tmp_path
        assert partial.name.startswith(".backup.sqlite3.") and partial.name.endswith(".part")
        partial.write_bytes(b"data")
    assert (tmp_path / "backup.sqlite3").read_bytes() == b"data"


def test_exclusive_keeps_the_first_file(tmp_path):
    target = tmp_path / "secret_key"
    write_atomic(target, b"first", mode=0o600, exclusive=True)
    write_atomic(target, b"second", mode=0o600, exclusive=True)
    assert target.read_bytes() == b"first"
    assert list(tmp_path.iterdir()) == [target]


def test_racing_exclusive_writers_all_see_one_file(tmp_path):
    target = tmp_path / "secret_key"
    start = threading.Barrier(8)

    def write(n: int) -> None:
        start.wait()
        write_atomic(target, f"key {n}".encode(), mode=0o600, exclusive=True)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert target.read_text().startswith("key ")
    assert mode_of(target) == 0o600
    assert list(tmp_path.iterdir()) == [target]
