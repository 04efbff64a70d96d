"""The question `batches` asks the packages above it (lms/core/hooks.py)."""

from lms.batches.models import Batch
from lms.core.hooks import hook


@hook
def member_joined(batch: Batch, user_id: int) -> None:
    """Someone joined a batch, in the current transaction (e.g. their earlier quiz answers now
    count in the batch's report)."""
