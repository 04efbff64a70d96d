"""What reports answer to the packages below them (lms/hooks.py)."""

from flask import Flask

from lms import hooks
from lms.reports import tallies


def init_app(app: Flask) -> None:
    """Keep the per-question tallies as attempts are recorded ("attempt_recorded",
    learning/services.py), as people join batches ("member_joined", batches/services.py) and
    as regions move ("regions_moved", people/regions.py)."""
    hooks.register(app, "attempt_recorded", tallies.count_attempt)
    hooks.register(app, "member_joined", tallies.count_member)
    hooks.register(app, "regions_moved", tallies.roll_up_regions)
