"""Importing many people as a background job, all or nothing, with their password sheet.

The job's sheet token is its own (`job-<id>`), so a job run again after its worker was
killed finds the sheet of a finished import instead of registering anyone twice; an import
killed before its commit wrote nothing and simply runs again."""

from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import ngettext

from lms.auth.models import User
from lms.extensions import db
from lms.jobs import services as jobs
from lms.jobs.models import Job
from lms.jobs.registry import JobFailed
from lms.people import asks, sheets
from lms.people.csvfiles import ImportFailed, count_rows
from lms.people.models import PasswordSheet

INPUT = "input.csv"


def start_import(
    actor: User, data: bytes, filename: str, rule: str = "", rule_params: dict | None = None
) -> Job:
    """A job registering everyone in the CSV (with `rule` for whom, as registered)."""
    rows = count_rows(data, filename)
    title = ngettext("Registering %(num)d person", "Registering %(num)d people", rows)
    params = {"filename": filename, "rule": rule, "rule_params": rule_params or {}}
    return jobs.start(actor, "people.import", title, params, rows, files={INPUT: data})


def run_import(job: Job, progress) -> dict:
    """Import (or find the import this job already finished) and point to its sheet."""
    token = f"job-{job.id}"
    done = db.session.execute(db.select(PasswordSheet).filter_by(token=token)).scalar_one_or_none()
    if done is None:
        data = (jobs.folder(job) / INPUT).read_bytes()
        allowed, then = _rule(job)
        progress.total(2 * job.total)  # a password hashed, then a slip printed, per person
        try:
            issued, _token = sheets.import_with_sheet(
                data, job.params["filename"], job.created_by, progress=progress.add, allowed=allowed, then=then,
                token=token, sheet_progress=progress.add,
            )  # fmt: skip
        except ImportFailed as failed:
            raise JobFailed("\n".join(failed.problems)) from None
        count = len(issued)
    else:
        count = done.user_count
    return {
        "summary": [ngettext("%(num)d person registered.", "%(num)d people registered.", count)],
        "link_endpoint": "people.sheet", "link_args": {"token": token}, "link_label": _("The password sheet"),
    }  # fmt: skip


def _rule(job: Job) -> tuple[Callable | None, Callable | None]:
    """The callbacks of the job's kind of import (named in the job, answered by the package
    that started it: asks.import_rule), or the usual scope check."""
    name = job.params.get("rule")
    if not name:
        return None, None
    found = [
        rule for rule in asks.import_rule.answers(name, job.created_by, job.params["rule_params"]) if rule
    ]
    if len(found) != 1:
        raise LookupError(f"{len(found)} answers to the import rule {name!r}")
    return found[0]
