"""The one clock: every timestamp is stored timezone-aware, in UTC, and every date or time
shown, printed or exported is on the programme's clock (BABEL_DEFAULT_TIMEZONE,
Asia/Kolkata): a certificate issued at 01:00 IST on 1 January is dated 1 January."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def utcnow() -> datetime:
    """Now, in UTC (column defaults and every service that records a moment)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored moment, timezone-aware (SQLite hands them back naive; they are UTC)."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def programme_zone() -> ZoneInfo:
    """The time zone where the programme runs (BABEL_DEFAULT_TIMEZONE)."""
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


def local_moment(moment: datetime) -> datetime:
    """A stored moment on the programme's clock."""
    return as_utc(moment).astimezone(programme_zone())


def local_date(moment: datetime) -> date:
    """The programme's calendar day of a stored moment."""
    return local_moment(moment).date()


def local_today() -> date:
    """Today's date where the programme runs."""
    return local_date(utcnow())


def utc_offset_minutes() -> int:
    """The programme's time zone's offset from UTC now, in minutes (330 for Asia/Kolkata), for
    SQL on SQLite, which has no time zones (exact for a zone without daylight saving)."""
    return int(datetime.now(programme_zone()).utcoffset().total_seconds() // 60)
