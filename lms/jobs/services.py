"""Starting jobs, watching them, and the housekeeping that makes them survive a killed worker."""

import shutil
from datetime import datetime, timedelta
from pathlib import Path

from flask import current_app
from flask_babel import force_locale, ngettext
from sqlalchemy import or_, update

from lms.auth.models import User
from lms.auth.permissions import may
from lms.core.clock import utcnow
from lms.core.errors import NotFound
from lms.core.files import private_folder, write_atomic
from lms.core.paging import Page, page_of
from lms.core.transactions import after_commit, service
from lms.extensions import db
from lms.jobs import asks, queue
from lms.jobs.models import Job


@service
def start(actor: User, kind: str, title: str, params: dict, total: int, files: dict | None = None) -> Job:
    """Record a job (with its input `files`) and ask a worker to run it once it is committed
    (a worker must find the row); the caller's request ends at once."""
    job = Job(kind=kind, title=str(title)[:300], params=params, total=total, created_by_id=actor.id)
    db.session.add(job)
    db.session.flush()

    def hand_over() -> None:
        for name, data in (files or {}).items():
            write_atomic(folder(job) / name, data, mode=0o600)
        queue.enqueue(job.id)

    after_commit(hand_over)
    return job


def inline(count: int) -> bool:
    """Whether this much work is small enough to do within the request."""
    return count <= current_app.config["JOBS_INLINE_MAX"]


def job_for(actor: User, job_id: int) -> Job:
    """A job its starter (or an admin) may see, else NotFound."""
    job = db.session.get(Job, job_id)
    if job is None or not (job.created_by_id == actor.id or may(actor, "see_all_jobs")):
        raise NotFound
    return job


def recent_jobs(actor: User, page: int = 1, per_page: int = 50) -> Page:
    """A page of the actor's jobs (every job for admins), newest first."""
    query = db.select(Job).order_by(Job.id.desc())
    if not may(actor, "see_all_jobs"):
        query = query.where(Job.created_by_id == actor.id)
    return page_of(query, page, per_page, scalars=True)


def folder(job: Job) -> Path:
    """Where a job keeps its input and result files (instance/jobs/<id>/)."""
    path = Path(current_app.instance_path) / "jobs" / str(job.id)
    private_folder(path)
    return path


def result_file(actor: User, job_id: int) -> tuple[Job, Path]:
    """A finished job's result file, for its starter or an admin, else NotFound."""
    job = job_for(actor, job_id)
    name = job.result.get("file") if job.state == "done" else None
    path = folder(job) / name if name else None
    if path is None or not path.is_file():
        raise NotFound
    return job, path


def lease() -> timedelta:
    """How long a worker holds a job without showing progress."""
    return timedelta(seconds=current_app.config["JOBS_LEASE_SECONDS"])


def abandoned(now: datetime):
    """The condition of a job running but held by nobody: its worker was cut off."""
    return (Job.state == "running") & (Job.lease_until < now)


@service
def claim(job_id: int) -> Job | None:
    """Take a job to run it: queued, or running but held by nobody (its worker died) fewer than
    JOBS_MAX_RUNS times; None if another worker holds it, it is finished, or it was cut off
    that often (it is then failed, saying so). Atomic, so two workers never run it at once."""
    now = utcnow()
    most = current_app.config["JOBS_MAX_RUNS"]
    claimable = or_(Job.state == "queued", abandoned(now) & (Job.runs < most))
    taken = db.session.execute(
        update(Job)
        .where(Job.id == job_id, claimable)
        .values(state="running", lease_until=now + lease(), runs=Job.runs + 1, started_at=now)
        .returning(Job.id)
        .execution_options(synchronize_session=False)
    ).first()
    if not taken:
        _give_up(db.select(Job).where(Job.id == job_id, abandoned(now), Job.runs >= most))
        return None
    return db.session.get(Job, job_id, populate_existing=True)


def _give_up(query) -> None:
    """Fail the jobs the query finds, cut off JOBS_MAX_RUNS times, in each starter's language:
    a job that kills its worker (out of memory, say) would otherwise block the queue for
    ever (flushes)."""
    keep = timedelta(hours=current_app.config["JOBS_KEEP_HOURS"])
    for job in db.session.execute(query).scalars().all():
        with force_locale(job.created_by.lang):
            job.error = ngettext(
                "The work stopped before its end %(num)d time (the worker was ended, perhaps out of "
                "memory), so it is not tried again. Try a smaller piece of work, or ask an administrator.",
                "The work stopped before its end %(num)d times (the worker was ended, perhaps out of "
                "memory), so it is not tried again. Try a smaller piece of work, or ask an administrator.",
                job.runs,
            )
        job.state, job.lease_until, job.finished_at = "failed", None, utcnow()
        job.expires_at = job.finished_at + keep
        current_app.logger.error("job %s (%s) failed: cut off %s times", job.id, job.kind, job.runs)


def housekeeping() -> None:
    """Tidy the jobs, then let each package clean up (hook "housekeeping", no arguments), each
    in a transaction of its own."""
    _tidy_jobs()
    asks.housekeeping.answers()  # each package's own clean-up (old counters, forms, files)


@service
def _tidy_jobs() -> None:
    """Run again the jobs nobody holds (a worker was killed, a queue message lost), fail those
    cut off too often, and remove results kept long enough."""
    now = utcnow()
    most = current_app.config["JOBS_MAX_RUNS"]
    _give_up(db.select(Job).where(abandoned(now), Job.runs >= most))
    stale = db.select(Job.id).where(
        or_(abandoned(now), (Job.state == "queued") & (Job.created_at < now - lease()))
    )
    for job_id in db.session.execute(stale).scalars().all():
        after_commit(lambda job_id=job_id: queue.enqueue(job_id))
    expired = db.select(Job).where(Job.state.in_(["done", "failed"]), Job.expires_at < now)
    for job in db.session.execute(expired).scalars().all():
        shutil.rmtree(Path(current_app.instance_path) / "jobs" / str(job.id), ignore_errors=True)
        job.state, job.result = "expired", {}
