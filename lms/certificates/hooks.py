"""What certificates add to pages of the packages below them (lms/hooks.py)."""

from flask import Flask

from lms import hooks
from lms.auth.models import User
from lms.certificates import services


def reissue_section(actor: User, person: User) -> tuple[str, dict] | None:
    """On a person's page, after their name was corrected: certificates to print again."""
    stale = services.needing_reissue(actor, person)
    return ("certificates/_reissue.html", {"certificates": stale}) if stale else None


def init_app(app: Flask) -> None:
    """Answer people's person_sections hook."""
    hooks.register(app, "person_sections", reissue_section)
