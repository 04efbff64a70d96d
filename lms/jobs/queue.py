"""The job queue: Huey, storing its queue in instance/ (SQLite) or in Redis (JOBS_URL).

One Huey task, `lms.run_job(job id)`, runs every kind of job; the Job row, not the queue,
is the record of what a job is and how far it got, so a lost or doubled queue message is
harmless (lms/jobs/runner.py claims a job before running it). Huey is made on first use:
its SQLite storage opens its file as soon as it exists."""

from collections.abc import Callable
from pathlib import Path

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey, crontab

from lms.core.files import private_folder, private_sqlite_file

_KEY = "lms.jobs"


def init_app(app: Flask, run: Callable[[int], None], housekeeping: Callable[[], None]) -> None:
    """Leave room for this app's Huey (made when first needed), whose tasks will `run` a job
    by its id and do the periodic `housekeeping` (passed in: the queue knows nothing of
    what a job is)."""
    app.extensions[_KEY] = {"work": {"run": run, "housekeeping": housekeeping}}


def huey():
    """This app's Huey, with its tasks."""
    app = current_app._get_current_object()
    made = app.extensions[_KEY]
    if "huey" not in made:
        made |= _make(app, **made["work"])
    return made["huey"]


def enqueue(job_id: int) -> None:
    """Ask a worker to run the job (it may already be running: the worker's claim decides).
    With the queue away (Redis down) the job stays queued in the database: the page that
    started it still answers, /healthz says so, and the worker's housekeeping queues it again
    once the queue is back."""
    huey()
    try:
        current_app.extensions[_KEY]["run_job"](job_id)
    except Exception:  # the queue's storage does not answer; immediate jobs raise their own errors
        if current_app.config["JOBS_IMMEDIATE"]:
            raise
        current_app.logger.warning(
            "job %s: the job queue does not answer; it waits in the database", job_id, exc_info=True
        )


def _make(app: Flask, run: Callable[[int], None], housekeeping: Callable[[], None]) -> dict:
    """A Huey for the app and its two tasks: running a job, and the housekeeping each minute."""
    queue = _storage(app)

    @queue.task(name="lms.run_job")
    def run_job(job_id: int) -> None:
        with app.app_context():
            run(job_id)

    @queue.periodic_task(crontab(minute="*"), name="lms.housekeeping")
    def tidy() -> None:
        with app.app_context():
            housekeeping()

    return {"huey": queue, "run_job": run_job}


def _storage(app: Flask):
    """Redis when JOBS_URL names it (several app instances and workers), else a SQLite file."""
    name, url = app.config["JOBS_NAME"], app.config["JOBS_URL"]
    immediate = bool(app.config["JOBS_IMMEDIATE"])
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, immediate=immediate, results=False)
    filename = url or str(private_folder(Path(app.instance_path)) / "jobs.sqlite3")
    private_sqlite_file(Path(filename))
    return SqliteHuey(name, filename=filename, immediate=immediate, results=False)
