"""The question `jobs` asks the packages above it (lms/core/hooks.py)."""

from lms.core.hooks import hook


@hook
def housekeeping() -> int:
    """Each minute, in the job worker: remove what was kept long enough (old counters, answers
    kept across an expired session, password sheets), in a transaction of the answer's own;
    how many things went."""
