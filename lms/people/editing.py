"""Correcting people and letting them go: name, phone, region and role; deactivating and
reactivating. Cell heads in their area (for the roles they manage) and admins; nobody edits
themself here. Every change is in the audit log with what it was before and after; a
deactivated person keeps all their records and can't sign in (their sessions end at once:
the user loader refuses them)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lms.auth.audit import AuditEvent, audit
from lms.auth.models import User
from lms.auth.permissions import in_area, may, may_manage_role, user_in_scope
from lms.auth.sessions import end_all
from lms.core.errors import NotFound
from lms.core.transactions import service
from lms.extensions import db
from lms.people.labels import role_name
from lms.people.lookalikes import flag_if_imitating
from lms.people.services import PersonError, check_person

MAX_REASON = 300


def person_to_edit(actor: User, person_id: int) -> User:
    """Someone the actor may correct or deactivate, else NotFound."""
    person = user_in_scope(actor, person_id)
    if not may(actor, "edit_people") or not may(actor, "manage_person", person):
        raise NotFound
    return person


@service
def edit_person(actor: User, person_id: int, name: str, phone: str, region_code: str, role: str) -> list[str]:
    """Correct a person's details (checked as for a new person, and within what the actor
    may grant); audited. Returns the fields that changed (none: nothing written)."""
    person = person_to_edit(actor, person_id)
    checked = check_person(name, phone, role, person.lang, region_code)
    if not may_manage_role(actor, checked.role):
        raise PersonError(_l("You may not make anyone a %(role)s.", role=role_name(checked.role)))
    if checked.region is not None and not in_area(actor, checked.region):
        raise PersonError(_l("Choose a region inside your own area."))
    taken = select(User.id).where(User.phone == checked.phone, User.id != person.id)
    if db.session.execute(taken).first() is not None:
        raise PersonError(_l("The number %(phone)s belongs to someone else.", phone=checked.phone))
    before = _details(person)
    person.name, person.phone, person.role, person.region = (
        checked.name,
        checked.phone,
        checked.role,
        checked.region,
    )
    after = _details(person)
    changed = [field for field in before if before[field] != after[field]]
    if not changed:
        return []
    audit(
        actor, "person.edit", f"user:{person.id}",
        {"before": {f: before[f] for f in changed}, "after": {f: after[f] for f in changed}},
    )  # fmt: skip
    if "name" in changed:
        flag_if_imitating(actor, person)
    try:
        db.session.flush()
    except IntegrityError:  # the number was taken by someone at this very moment
        raise PersonError(_l("The number %(phone)s belongs to someone else.", phone=checked.phone)) from None
    return changed


def _details(person: User) -> dict:
    """What an edit may change, as plain values for the audit log."""
    region = person.region.code if person.region else None
    return {"name": person.name, "phone": person.phone, "region": region, "role": person.role}


@service
def set_active(actor: User, person_id: int, active: bool, reason: str) -> User:
    """Deactivate (with a reason) or reactivate someone; audited."""
    person = person_to_edit(actor, person_id)
    reason = " ".join((reason or "").split())[:MAX_REASON]
    if not active and not reason:
        raise PersonError(_l("Say why, for the record."))
    if person.active == active:
        return person
    person.active = active
    if not active:
        end_all(person.id)  # the loader refuses them anyway; the sign-ins list says so too
    audit(
        actor, "person.reactivate" if active else "person.deactivate", f"user:{person.id}", {"reason": reason}
    )
    return person


def changes_of(actor: User, person_id: int) -> list:
    """The audited changes to a person the actor may see, newest first."""
    user_in_scope(actor, person_id)  # NotFound outside the scope
    query = select(AuditEvent).where(AuditEvent.subject == f"user:{person_id}").order_by(AuditEvent.id.desc())
    return list(db.session.execute(query.limit(50)).scalars())
