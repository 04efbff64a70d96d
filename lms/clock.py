"""The one clock: every timestamp is stored timezone-aware, in UTC."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """Now, in UTC (column defaults and every service that records a moment)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored moment, timezone-aware (SQLite hands them back naive; they are UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local_today() -> date:
    """Today's date where the programme runs (BABEL_DEFAULT_TIMEZONE, Asia/Kolkata)."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()
