"""The job queue's health, as /healthz reports it."""

from datetime import timedelta

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.exc import SQLAlchemyError

from lms.core.clock import utcnow
from lms.core.transactions import abandon
from lms.extensions import db
from lms.jobs import queue
from lms.jobs.models import Job


def jobs_state() -> str:
    """`ok`; `unavailable` when the queue's storage (Redis or its SQLite file) does not answer;
    `stalled` when a job has waited longer than JOBS_STALLED_MINUTES for a worker to start it
    (no worker is running, or all are busy); `unknown` while the database does not answer."""
    try:
        queue.huey().pending_count()
    except Exception:  # Redis down, the file unreadable: nothing can be queued
        current_app.logger.warning("the job queue does not answer", exc_info=True)
        return "unavailable"
    since = utcnow() - timedelta(minutes=float(current_app.config["JOBS_STALLED_MINUTES"]))
    waiting = select(exists().where(Job.state == "queued", Job.created_at < since))
    try:
        return "stalled" if db.session.execute(waiting).scalar() else "ok"
    except SQLAlchemyError:  # the database is away: /healthz says so itself
        abandon()
        return "unknown"
