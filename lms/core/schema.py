"""Whether the database's schema is at the code's migration head.

Code one migration ahead of its database fails query by query (a missing table, a missing
column) while the rest of the site seems to work. Each instance instead compares the
database's Alembic revision with the code's heads, at most every SCHEMA_CHECK_SECONDS, and
while the database is behind answers every page with 503 and a short "being upgraded" page in
the visitor's language (`/healthz` says `"migrations": "behind"`). `flask db upgrade` (the
command line) is never refused; docs/upgrade.md gives the order."""

import time
from functools import cache
from pathlib import Path

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app, render_template, request
from flask_babel import force_locale
from sqlalchemy.exc import SQLAlchemyError

from lms.core.i18n import browser_language
from lms.core.transactions import apart
from lms.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
CURRENT, BEHIND, AHEAD, UNKNOWN = "ok", "behind", "ahead", "unknown"
_KEY = "lms.core.schema"
OPEN_WHILE_BEHIND = {"health.healthz", "static"}
RETRY_AFTER_SECONDS = 60


def init_app(app: Flask) -> None:
    """Refuse pages while the database is behind (registered before any hook that queries)."""
    app.extensions[_KEY] = {"heads": None, "checked_at": None, "state": UNKNOWN}
    app.before_request(refuse_while_behind)


def schema_state() -> str:
    """CURRENT, BEHIND (older than the code, or empty), AHEAD (a revision this code does not
    know: the code is older than the database) or UNKNOWN (the database did not answer);
    asked of the database at most every SCHEMA_CHECK_SECONDS."""
    kept = current_app.extensions[_KEY]
    now = time.monotonic()
    every = float(current_app.config["SCHEMA_CHECK_SECONDS"])
    if kept["checked_at"] is None or now - kept["checked_at"] >= every or kept["state"] == UNKNOWN:
        kept["state"], kept["checked_at"] = _compare(kept), now
    return kept["state"]


def _compare(kept: dict) -> str:
    """The database's revisions against the code's heads."""
    if kept["heads"] is None:
        scripts = _scripts()
        kept["heads"] = (
            frozenset(scripts.get_heads()),
            frozenset(s.revision for s in scripts.walk_revisions()),
        )
    heads, known = kept["heads"]
    try:
        found = database_revisions()
    except SQLAlchemyError:
        return UNKNOWN
    if found == heads:
        return CURRENT
    if found - known:
        return AHEAD
    return BEHIND


def database_revisions() -> frozenset[str]:
    """The migrations the database is at (empty: a database never migrated)."""
    with db.engine.connect() as connection:
        return frozenset(MigrationContext.configure(connection).get_current_heads())


def refuse_while_behind():
    """A 503 page while the database is behind the code (nothing else is tried: the page
    does not load the user, whose table may be what the upgrade changes)."""
    if request.endpoint in OPEN_WHILE_BEHIND or schema_state() != BEHIND:
        return None
    lang = browser_language()
    with force_locale(lang):
        page = render_template("errors/upgrading.html", lang=lang)
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def stamp_head() -> None:
    """Mark a database built from the models (`db.create_all()`: tests, benchmarks) as
    migrated to the code's heads, as `flask db stamp heads` does, without loading Alembic's
    environment (commits)."""
    with apart() as connection:
        MigrationContext.configure(connection).stamp(_scripts(), "heads")


@cache
def _scripts() -> ScriptDirectory:
    """The code's migrations (read once per process: they change only with the code)."""
    return ScriptDirectory(str(MIGRATIONS))
