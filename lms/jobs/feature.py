"""What jobs plugs into the app (lms/core/features.py): the job pages, `flask jobs`, and the
queue, whose tasks run a job and the housekeeping."""

from flask import Flask

from lms.core.features import Feature
from lms.jobs import queue, runner, services
from lms.jobs.cli import jobs_cli
from lms.jobs.views import bp


def set_up_queue(app: Flask) -> None:
    """This app's queue, handed what its tasks do (the queue imports neither)."""
    queue.init_app(app, run=runner.run, housekeeping=services.housekeeping)


feature = Feature("jobs", blueprints=(bp,), commands=(jobs_cli,), setup=set_up_queue)
