"""Role names and region kinds in the reader's language."""

from flask_babel import lazy_gettext as _l

ROLE_NAMES = {
    "sahayak": _l("Sahayak"),
    "trainer": _l("Trainer"),
    "cell_head": _l("Cell head"),
    "admin": _l("Administrator"),
}


def role_name(role: str) -> str:
    """A role in the reader's language."""
    return str(ROLE_NAMES.get(role, role))


# Region kinds are free text in the regions CSV; the usual ones are named in the reader's
# language, any other is shown as written.
REGION_KINDS = {
    "state": _l("state"),
    "district": _l("district"),
    "lok_sabha": _l("Lok Sabha constituency"),
    "assembly": _l("assembly constituency"),
    "block": _l("block"),
    "ward": _l("ward"),
    "booth": _l("booth"),
}


def region_kind(kind: str) -> str:
    """A region's kind in the reader's language."""
    return str(REGION_KINDS.get(kind, kind))
