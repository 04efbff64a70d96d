"""Names that imitate a staff member's with another alphabet's look-alike letters ("Ritwik Sеn"
with a Cyrillic е, beside the admin Ritwik Sen) are let in, but flagged for a second look: the
flag goes into the person's history when the name is given, and the person's page, the
certificates to issue and the signatures in use say whose name it imitates (lms/core/names.py)."""

from flask import g
from sqlalchemy import select

from lms.auth.audit import audit
from lms.auth.models import User
from lms.core.names import imitated, mixes_alphabets, skeleton
from lms.extensions import db


def staff_names() -> dict[str, str]:
    """The names of active staff (everyone but sahayaks) by their skeletons, once a request."""
    if "staff_skeletons" not in g:
        query = select(User.name).where(~User.is_learner, User.active)
        g.staff_skeletons = {skeleton(name): name for name in db.session.execute(query).scalars()}
    return g.staff_skeletons


def imitated_staff(name: str | None) -> str | None:
    """The staff member's name this name imitates, or None (no query unless it mixes alphabets)."""
    if not name or not mixes_alphabets(name):
        return None
    return imitated(name, staff_names())


def flag_if_imitating(actor: User | None, person: User) -> None:
    """Note in the person's history that their name imitates a staff member's (flushes)."""
    imitates = imitated_staff(person.name)
    if imitates is not None:
        audit(actor, "person.lookalike", f"user:{person.id}", {"name": person.name, "looks_like": imitates})
