"""What a domain package plugs into the app, declared once in its `feature.py`: its views,
commands, kinds of background job, answers to the questions of packages below it and the
permission rules about its own things. `create_app` installs each feature in turn
(lms/__init__.py); nothing else wires a package in."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import click
from flask import Blueprint, Flask

from lms.core.hooks import Hook


@dataclass(frozen=True)
class Feature:
    """A domain package's part of the app."""

    name: str
    blueprints: tuple[Blueprint, ...] = ()
    commands: tuple[click.Command, ...] = ()
    jobs: Mapping[str, Callable] = field(default_factory=dict)  # job kind -> work(job, progress)
    answers: tuple[tuple[Hook, Callable], ...] = ()  # (question, answer)
    rules: Mapping[str, Callable] = field(default_factory=dict)  # permission -> check(user, thing)
    setup: Callable[[Flask], None] | None = None  # anything else, once per app (signals, a queue)
