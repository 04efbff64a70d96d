"""Role names in the reader's language."""

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
