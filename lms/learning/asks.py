"""The questions `learning` asks the packages above it (lms/core/hooks.py)."""

from sqlalchemy import Select

from lms.core.hooks import hook
from lms.learning.models import Attempt


@hook
def enrolled_courses(user_id: int) -> Select[tuple[int]]:
    """SQL: ids of courses the user counts as theirs though they never opened them (the
    courses of the batches they joined)."""


@hook
def attempt_recorded(attempt: Attempt) -> None:
    """A quiz attempt was recorded, in the current transaction (e.g. the per-question report's
    tallies count it)."""
