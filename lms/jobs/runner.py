"""Running one job in a worker: claim it, do its kind's work in its starter's language,
record progress as it goes, and finish with its result or the reason it failed."""

import threading
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from lms.core.clock import utcnow
from lms.core.transactions import apart, restart, service
from lms.extensions import db
from lms.jobs import registry, services
from lms.jobs.models import Job


class Progress:
    """How a job's work reports progress; each report also renews the worker's hold on it.

    Reports are committed on a connection of their own, never with the work's pending
    changes (an import writes nothing until it is complete), unless `with_work` asks for
    them to count in the work's own transaction (each certificate issued)."""

    def __init__(self, job: Job):
        self.job_id = job.id

    def total(self, count: int) -> None:
        """How many steps the work has, counting from none done."""
        self._report(total=count, done=0)

    def add(self, count: int = 1, with_work: bool = False) -> None:
        """Steps done; `with_work`: in the session's transaction, committed with the work."""
        values = {"done": Job.done + count, "lease_until": utcnow() + services.lease()}
        if with_work:
            statement = update(Job).where(Job.id == self.job_id).values(**values)
            db.session.execute(statement.execution_options(synchronize_session=False))
        else:
            self._report(**values)

    def alive(self) -> None:
        """Still working (a long step): keep holding the job."""
        self._report()

    def _report(self, **values) -> None:
        """Change the job row and renew the hold, committed at once on its own connection."""
        values.setdefault("lease_until", utcnow() + services.lease())
        with apart() as connection:
            connection.execute(update(Job).where(Job.id == self.job_id).values(**values))


def run(job_id: int) -> None:
    """Run a job unless another worker holds it or it is finished."""
    job = services.claim(job_id)
    if job is None:
        return
    with force_locale(job.created_by.lang), _heartbeat(job_id):
        try:
            result = registry.kind(job.kind).work(job, Progress(job))
        except registry.JobFailed as failed:
            restart()
            finish(job_id, "failed", error=str(failed))
        except Exception:  # a bug, or the database went away: logged, and said plainly
            restart()
            current_app.logger.exception("job %s (%s) failed", job_id, job.kind)
            finish(
                job_id, "failed", error=_("Something went wrong; the error has been logged. Try again later.")
            )
        else:
            finish(job_id, "done", result=result)


@contextmanager
def _heartbeat(job_id: int):
    """Renew the worker's hold on the job while its work runs, also through long steps that
    report no progress (rendering a sheet of 2,000 slips): a killed worker stops renewing."""
    engine, lease, logger = db.engine, services.lease(), current_app.logger
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(lease.total_seconds() / 4):
            try:
                with apart(engine) as connection:
                    statement = update(Job).where(Job.id == job_id).values(lease_until=utcnow() + lease)
                    connection.execute(statement)
            except Exception:  # the database busy or gone for a moment: the next beat may do
                logger.warning("job %s: could not renew its hold", job_id, exc_info=True)

    thread = threading.Thread(target=beat, name=f"job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@service
def finish(job_id: int, state: str, **values) -> None:
    """Record how the job ended and when its results go."""
    keep = timedelta(hours=current_app.config["JOBS_KEEP_HOURS"])
    now = utcnow()
    values |= {"state": state, "finished_at": now, "expires_at": now + keep, "lease_until": None}
    statement = update(Job).where(Job.id == job_id).values(**values)
    db.session.execute(statement.execution_options(synchronize_session=False))
