"""Certificate rules: who is eligible, issuing without duplicates, revoking, verifying."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, func, select, true, update
from sqlalchemy.exc import IntegrityError

from lms.auth.audit import audit
from lms.auth.models import Region, User
from lms.auth.permissions import may, region_ids_under, roles_with, users_in_scope
from lms.batches.models import Membership
from lms.certificates.artwork import art_snapshot
from lms.certificates.models import Certificate, SerialCounter
from lms.core.clock import local_date, local_moment, utcnow
from lms.core.database import insert_ignore
from lms.core.errors import NotFound
from lms.core.paging import Page, escape_like, page_of
from lms.core.readable import readable_code
from lms.core.transactions import one_by_one, own_transaction, service
from lms.courses.models import Course, CourseVersion
from lms.extensions import db
from lms.learning.models import Completion
from lms.people.milestones import clear_certified, mark_milestone

CODE_LENGTH = 15  # 15 characters of a 31-letter alphabet: about 74 random bits


class CertificateError(Exception):
    """A certificate rule was broken; str() is a translatable message."""


@dataclass
class Eligible:
    """Someone who completed a course with a certificate and has no valid one yet."""

    user: User
    course: Course
    version: CourseVersion
    completed_at: datetime


def eligible(
    actor: User,
    course_id: int | None = None,
    batch_id: int | None = None,
    region: Region | None = None,
    search: str = "",
) -> list[Eligible]:
    """Completions in the actor's scope that may get a certificate, filtered (`search`: names
    containing it). Never the actor's own: a cell head who completed a course is certified
    by someone else."""
    query = _eligible_query(actor, course_id, batch_id, region, search)
    return [Eligible(*row) for row in db.session.execute(query)]


def eligible_page(actor: User, page: int, per_page: int, **filters) -> Page:
    """One page of `eligible`."""
    found = page_of(_eligible_query(actor, **filters), page, per_page)
    found.items = [Eligible(*row) for row in found.items]
    return found


def _eligible_query(
    actor: User,
    course_id: int | None = None,
    batch_id: int | None = None,
    region: Region | None = None,
    search: str = "",
) -> Select:
    """SQL: (user, course, live version, completed at) of every eligible completion."""
    earners = User.role.in_(roles_with("earn_certificates"))
    scoped = users_in_scope(actor).where(earners, User.id != actor.id).subquery()
    valid = exists().where(
        Certificate.user_id == Completion.user_id,
        Certificate.course_id == Completion.course_id,
        Certificate.revoked_at.is_(None),
    )
    query = (
        select(User, Course, CourseVersion, Completion.completed_at)
        .join(Completion, Completion.user_id == User.id)
        .join(scoped, scoped.c.id == User.id)
        .join(Course, Course.id == Completion.course_id)
        .join(CourseVersion, CourseVersion.id == Course.live_version_id)
        .where(CourseVersion.certificate.is_(True), Course.unpublished_at.is_(None), ~valid)
        .order_by(CourseVersion.title, User.name, User.id)
    )
    if course_id:
        query = query.where(Course.id == course_id)
    if batch_id:
        members = select(Membership.user_id).filter_by(batch_id=batch_id)
        query = query.where(User.id.in_(members))
    if region is not None:
        query = query.where(User.region_id.in_(region_ids_under(region)))
    if search.strip():
        query = query.where(User.name.ilike(f"%{escape_like(search)}%", escape="\\"))
    return query


def issue_preview(actor: User, pairs: list[tuple[int, int]]) -> list[Eligible]:
    """The pairs the actor would certify, as eligible completions (for a confirmation: never
    the name of someone the actor may not see)."""
    wanted = set(pairs)
    return [item for item in eligible(actor) if (item.user.id, item.course.id) in wanted]


def issue(
    actor: User, pairs: list[tuple[int, int]], each: Callable[[Certificate], None] | None = None
) -> tuple[list[Certificate], int]:
    """Issue certificates for (user id, course id) pairs the actor may certify.

    Each is its own transaction: a pair already certified (by a double click, another cell
    head at the same moment, or an earlier run of the same job) is skipped, counted in the
    second value. `each(certificate)` joins each certificate's transaction (a job's count)."""
    if not may(actor, "issue_certificates"):
        raise CertificateError(_l("Only cell heads and admins issue certificates."))
    allowed = {(item.user.id, item.course.id): item for item in eligible(actor)}
    issued, skipped = [], 0
    artwork: dict[int | None, dict] = {}  # per region: thousands of people share a few places
    with one_by_one():
        for pair in dict.fromkeys(pairs):
            item = allowed.get(pair)
            if item is None:
                skipped += 1
                continue
            try:
                with own_transaction():
                    issued.append(_issue_one(actor, item, each, artwork))
            except IntegrityError:  # rolled back: issued meanwhile
                skipped += 1
    return issued, skipped


def _issue_one(
    actor: User, item: Eligible, each: Callable[[Certificate], None] | None, artwork: dict | None = None
) -> Certificate:
    """Number, code and snapshot for one certificate, audited (flushes; `artwork`: the
    art snapshots found so far, by region id)."""
    moment = utcnow()
    artwork = {} if artwork is None else artwork
    if item.user.region_id not in artwork:
        artwork[item.user.region_id] = art_snapshot(item.user.region)
    certificate = Certificate(
        serial=next_serial(local_moment(moment).year),  # the year on the programme's calendar
        code=readable_code(CODE_LENGTH),
        user_id=item.user.id,
        course_id=item.course.id,
        version_id=item.version.id,
        snapshot=snapshot(item, actor, moment) | artwork[item.user.region_id],
        issued_by_id=actor.id,
        issued_at=moment,
    )
    db.session.add(certificate)
    db.session.flush()  # the partial unique index refuses a second valid certificate here
    audit(
        actor, "certificate.issue", certificate.serial, {"user_id": item.user.id, "course_id": item.course.id}
    )
    mark_milestone(item.user.id, User.certified_at)
    if each is not None:
        each(certificate)
    return certificate


def next_serial(year: int) -> str:
    """DS-YEAR-NNNNNN, sequential per year: the counter row is locked by the UPDATE (flushes)."""
    insert_ignore(SerialCounter, year=year, last=0)
    statement = update(SerialCounter).where(SerialCounter.year == year).values(last=SerialCounter.last + 1)
    # Not synchronised with the session: no counter object is ever loaded, and looking for
    # one among thousands of objects per certificate made big issues quadratic.
    statement = statement.returning(SerialCounter.last).execution_options(synchronize_session=False)
    number = db.session.execute(statement).scalar_one()
    return f"DS-{year}-{number:06d}"


def snapshot(item: Eligible, actor: User, moment: datetime) -> dict:
    """Everything printed, frozen: later edits of names or courses never change it."""
    return {
        "name": item.user.name,
        "course_title": item.version.title,
        "course_lang": item.version.lang,
        "course_version": item.version.number,
        "region": item.user.region.name if item.user.region else "",
        "issuer_name": actor.name,
        "issuer_role": actor.role,
        "issuer_region": actor.region.name if actor.region else "",
        "issued_on": local_date(moment).isoformat(),
        "completed_on": local_date(item.completed_at).isoformat(),
    }


# Why a certificate was revoked, as anyone checking it is told; the issuer's own words stay
# with the staff (the person's page, exports, the audit log).
REVOKE_CATEGORIES = {
    "error": _l("issued in error"),
    "name": _l("name corrected"),
    "duplicate": _l("issued twice"),
    "misconduct": _l("misconduct"),
    "other": _l("other reasons"),
}


@service
def revoke(actor: User, code: str, category: str, reason: str) -> Certificate:
    """Revoke a valid certificate in the actor's scope, with a public category and the
    reason in words; it stays on record."""
    certificate = certificate_to_manage(actor, code)
    if category not in REVOKE_CATEGORIES:
        raise CertificateError(_l("Choose why it is revoked."))
    if not reason.strip():
        raise CertificateError(_l("Give a reason for revoking."))
    _revoke(actor, certificate, category, reason)
    still_valid = select(Certificate.id).filter_by(user_id=certificate.user_id, revoked_at=None)
    if db.session.execute(still_valid).first() is None:
        clear_certified(certificate.user_id)
    return certificate


def _revoke(actor: User, certificate: Certificate, category: str, reason: str) -> None:
    """Mark a valid certificate revoked, audited (flushes)."""
    if certificate.revoked_at is not None:
        raise CertificateError(_l("This certificate is already revoked."))
    certificate.revoked_at, certificate.revoked_by_id = utcnow(), actor.id
    certificate.revoke_category, certificate.revoke_reason = category, reason.strip()[:500]
    details = {"category": category, "reason": certificate.revoke_reason}
    audit(actor, "certificate.revoke", certificate.serial, details)
    db.session.flush()


@service
def reissue(actor: User, code: str) -> Certificate:
    """After a name was corrected: revoke the certificate printed with the old name ("name
    corrected") and issue a new one with the current details, in one transaction."""
    certificate = certificate_to_manage(actor, code)
    if certificate.revoked_at is None and not name_changed(certificate):
        raise CertificateError(_l("The name on it is still right: there is nothing to re-issue."))
    _revoke(actor, certificate, "name", "name corrected")
    wanted = (certificate.user_id, certificate.course_id)
    item = next((item for item in eligible(actor) if (item.user.id, item.course.id) == wanted), None)
    if item is None:  # the course stopped giving certificates, or it is the actor's own
        raise CertificateError(_l("A new certificate can't be issued for this course now."))
    return _issue_one(actor, item, None)  # in the revocation's transaction


def certificates_of(person: User) -> list[Certificate]:
    """Every certificate a person was issued, valid or revoked, newest first."""
    query = select(Certificate).filter_by(user_id=person.id).order_by(Certificate.id.desc())
    return list(db.session.execute(query).scalars())


def name_changed(certificate: Certificate) -> bool:
    """Whether the name printed on the certificate is no longer its holder's (corrected since)."""
    return certificate.snapshot.get("name") != certificate.user.name


def certificate_for(actor: User, code: str) -> Certificate:
    """A certificate the actor may see: their own, or one they may issue (else NotFound)."""
    certificate = find_by_code(code)
    if certificate is None:
        raise NotFound
    if certificate.user_id == actor.id:
        return certificate
    return certificate_to_manage(actor, code)


def certificate_to_manage(actor: User, code: str) -> Certificate:
    """A certificate of someone in the area where the actor issues certificates (else NotFound)."""
    certificate = find_by_code(code)
    if certificate is None or not may(actor, "issue_certificates", certificate.user.region):
        raise NotFound
    return certificate


def normalise_code(raw: str) -> str:
    """A verification code as typed: any case, spaces and dashes ignored."""
    return "".join(ch for ch in (raw or "").upper() if ch.isalnum())[:32]


SERIAL = re.compile(r"DS-(\d{4})-(\d{6})")


def as_serial(raw: str) -> str | None:
    """A serial number as typed (any case, spaces around), or None if it is not one."""
    typed = (raw or "").strip().upper()
    return typed if SERIAL.fullmatch(typed) else None


def find_by_serial(serial: str) -> Certificate | None:
    """For public verification: the certificate with exactly this serial, valid or revoked."""
    return db.session.execute(select(Certificate).filter_by(serial=serial)).scalar()


def find_by_code(raw: str) -> Certificate | None:
    """For public verification: the certificate with this code, valid or revoked."""
    return db.session.execute(select(Certificate).filter_by(code=normalise_code(raw))).scalar()


def certificate_courses() -> list[CourseVersion]:
    """Live versions of the courses that give certificates, for the filter."""
    query = select(CourseVersion).join(Course, Course.live_version_id == CourseVersion.id)
    return list(
        db.session.execute(
            query.where(CourseVersion.certificate.is_(True), Course.unpublished_at.is_(None)).order_by(
                CourseVersion.title
            )
        ).scalars()
    )


def my_certificates(user: User) -> list[Certificate]:
    """The user's own certificates, newest first."""
    query = select(Certificate).filter_by(user_id=user.id).order_by(Certificate.issued_at.desc())
    return list(db.session.execute(query).scalars())


def waiting_for_certificate(user: User) -> list[tuple[CourseVersion, datetime]]:
    """The courses the user completed that they hold no valid certificate of yet (the live
    version, for its title), with when they completed each."""
    certified = exists().where(
        Certificate.user_id == user.id,
        Certificate.course_id == Completion.course_id,
        Certificate.revoked_at.is_(None),
    )
    query = (
        select(CourseVersion, Completion.completed_at)
        .join(Course, Course.live_version_id == CourseVersion.id)
        .join(Completion, Completion.course_id == Course.id)
        .where(Completion.user_id == user.id, ~certified)
        .order_by(Completion.completed_at.desc())
    )
    return [tuple(row) for row in db.session.execute(query)]


def issued_in_scope(
    actor: User, batch_id: int | None = None, course_id: int | None = None, region: Region | None = None
) -> list[Certificate]:
    """Certificates of people the actor may see (optionally of one batch, course or region),
    newest first."""
    return list(db.session.execute(_issued_query(actor, batch_id, course_id, region)).scalars())


def issued_page(actor: User, page: int, per_page: int, search: str = "", **filters) -> tuple[Page, int]:
    """One page of `issued_in_scope` (optionally names or serials containing `search`), and
    how many of all of them are valid."""
    query = _issued_query(actor, **filters)
    matches = true()
    if search.strip():
        pattern = f"%{escape_like(search)}%"
        matches = User.name.ilike(pattern, escape="\\") | Certificate.serial.ilike(pattern, escape="\\")
    counted = (
        query.order_by(None).with_only_columns(Certificate.revoked_at, matches.label("matches")).subquery()
    )
    total, valid = db.session.execute(  # both counts in one pass over the scoped certificates
        select(func.count().filter(counted.c.matches), func.count().filter(counted.c.revoked_at.is_(None)))
    ).one()
    return page_of(query.where(matches), page, per_page, scalars=True, total=total), valid


def _issued_query(
    actor: User, batch_id: int | None = None, course_id: int | None = None, region: Region | None = None
) -> Select:
    """SQL: certificates of people in the actor's scope, filtered, newest first."""
    scoped = users_in_scope(actor).subquery()
    query = (
        select(Certificate)
        .join(scoped, scoped.c.id == Certificate.user_id)
        .join(User, User.id == Certificate.user_id)
    )
    if batch_id:
        query = query.where(Certificate.user_id.in_(select(Membership.user_id).filter_by(batch_id=batch_id)))
    if course_id:
        query = query.where(Certificate.course_id == course_id)
    if region is not None:
        query = query.where(scoped.c.region_id.in_(region_ids_under(region)))
    return query.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
