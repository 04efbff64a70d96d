"""Kinds of jobs: each package that does bulk work registers what its jobs run."""

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app

_KEY = "lms.jobs.kinds"


class JobFailed(Exception):
    """The job cannot finish; str() says why, in the language it runs in (its starter's)."""


@dataclass(frozen=True)
class Kind:
    """A kind of job: its name and the function doing the work.

    `work(job, progress)` returns the job's result (e.g. {"file": …, "summary": …}); it must be
    safe to run again after being killed half-way: nothing done twice, nothing half-written."""

    name: str
    work: Callable


def register(app: Flask, name: str, work: Callable) -> None:
    """Make a kind of job known to this app (from a package's init_app)."""
    app.extensions.setdefault(_KEY, {})[name] = Kind(name, work)


def kind(name: str) -> Kind:
    """The registered kind of this name."""
    return current_app.extensions[_KEY][name]
