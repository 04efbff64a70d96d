"""The rate-limit counters' SQLite file is made by whichever worker comes first: several
workers starting at once all get it (a 500 at sign-in was seen when two raced to create it)."""

import multiprocessing
import sqlite3
from contextlib import closing

from lms.core.throttle.storage import sqlite_counter_engine

WORKERS = 8


def open_together(path, start_line, failures) -> None:
    start_line.wait(timeout=30)
    try:
        sqlite_counter_engine(path, timeout=5).dispose()
    except Exception as error:  # noqa: BLE001 — reported by the test
        failures.put(repr(error))


def test_workers_starting_at_once_all_get_the_counters_file(tmp_path):
    path = tmp_path / "instance" / "throttle.sqlite3"
    context = multiprocessing.get_context("fork")
    start_line, failures = context.Barrier(WORKERS), context.Queue()
    workers = [
        context.Process(target=open_together, args=(path, start_line, failures)) for _ in range(WORKERS)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0] * WORKERS
    assert failures.empty(), failures.get()
    with closing(sqlite3.connect(path)) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("SELECT count(*) FROM throttle_count").fetchone() == (0,)
