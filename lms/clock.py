"""The one clock: every timestamp is stored timezone-aware, in UTC."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC (column defaults and every service that records a moment)."""
    return datetime.now(UTC)
