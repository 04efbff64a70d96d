"""What certificates add to pages of the packages below them (named in lms/certificates/feature.py)."""

from lms.auth.models import User
from lms.auth.permissions import may
from lms.certificates import services


def certificates_section(actor: User, person: User) -> tuple[str, dict] | None:
    """On a person's page, for whoever issues certificates there: their certificates, and
    those printed with a name corrected since, to print again."""
    if not may(actor, "issue_certificates", person.region):
        return None
    held = services.certificates_of(person)
    stale = {cert.id for cert in held if cert.revoked_at is None and services.name_changed(cert)}
    return ("certificates/_person.html", {"certificates": held, "stale": stale}) if held else None
