"""`flask jobs worker` runs background jobs; `flask jobs list` shows them."""

import logging

import click
from flask.cli import AppGroup

from lms.extensions import db
from lms.jobs import queue, services
from lms.jobs.models import Job

jobs_cli = AppGroup("jobs", help="Background jobs.")


@jobs_cli.command("worker")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, help="Jobs run at once.")
def worker_command(workers: int) -> None:
    """Run jobs until stopped (Ctrl-C or SIGTERM finish the job at hand first)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("weasyprint").setLevel(logging.WARNING)  # seven INFO lines per PDF otherwise
    services.housekeeping()  # jobs a killed worker left half-done are taken up again
    db.session.remove()
    db.engine.dispose()  # worker processes open their own connections
    kind = "thread" if workers == 1 else "process"  # processes: WeasyPrint renders one at a time
    click.echo(f"Job worker: {workers} {kind}(s), queue {queue.huey().name}", err=True)
    queue.huey().create_consumer(workers=workers, worker_type=kind, periodic=True).run()


@jobs_cli.command("list")
@click.option("--limit", type=click.IntRange(1, 10_000), default=30, show_default=True)
def list_command(limit: int) -> None:
    """Queued, running, failed and finished jobs, newest first."""
    jobs = db.session.execute(db.select(Job).order_by(Job.id.desc()).limit(limit)).scalars().all()
    if not jobs:
        click.echo("No jobs.")
    for job in jobs:
        when = f"{job.created_at:%Y-%m-%d %H:%M}"
        click.echo(
            f"{job.id:>6}  {job.state:<8} {job.done:>6}/{job.total:<6} {job.kind:<22} {when}  {job.created_by.name}"
        )
        if job.error:
            click.echo(f"        {job.error}")
