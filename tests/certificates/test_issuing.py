"""Issuing: eligibility in scope, serials, codes, snapshots, no duplicates, revocation, audit."""

import re
import threading

import pytest

from lms.auth.audit import AuditEvent
from lms.auth.models import User
from lms.certificates import services
from lms.certificates.models import Certificate
from lms.core.clock import local_moment
from lms.core.errors import NotFound
from lms.courses.parser import parse_course
from lms.courses.services import publish
from lms.extensions import db
from tests.certificates.conftest import complete
from tests.courses.samples import COURSE_MD, course_files


def certificates() -> list[Certificate]:
    return db.session.execute(db.select(Certificate).order_by(Certificate.id)).scalars().all()


def test_eligible_is_scoped_to_the_cell_heads_area(graduates):
    names = lambda actor: {item.user.name for item in services.eligible(actor)}  # noqa: E731
    assert names(graduates.head_kol) == {"Sahayak Kolkata"}
    assert names(graduates.head_dar) == {"Sahayak Darjeeling"}
    assert names(graduates.admin) == {"Sahayak Kolkata", "Sahayak Darjeeling"}


def test_courses_without_certificates_are_not_eligible(graduates):
    files = course_files(**{"course.md": COURSE_MD.replace("certificate: true", "certificate: false")})
    publish(parse_course("safe-accounts", files), None, "cli")
    assert services.eligible(graduates.admin) == []


def test_issue_numbers_serially_and_snapshots_everything(graduates, sample_course):
    issued, skipped = services.issue(
        graduates.admin,
        [
            (graduates.sahayak_kol.id, sample_course.course_id),
            (graduates.sahayak_dar.id, sample_course.course_id),
        ],
    )
    assert skipped == 0
    year = local_moment(issued[0].issued_at).year  # the programme's calendar (tests/test_programme_time.py)
    assert [c.serial for c in issued] == [f"DS-{year}-000001", f"DS-{year}-000002"]
    assert all(re.fullmatch(r"[2-9A-HJKMNP-Z]{15}", c.code) for c in issued)
    snap = issued[0].snapshot
    assert (
        snap["name"] == "Sahayak Kolkata"
        and snap["course_title"] == "নিরাপদ অ্যাকাউন্ট"
        and snap["course_version"] == 1
    )
    assert (
        snap["issuer_name"] == "Admin" and snap["region"] == graduates.booth.name and "phone" not in str(snap)
    )
    events = db.session.execute(db.select(AuditEvent)).scalars().all()
    assert [(e.action, e.subject, e.actor_id) for e in events] == [
        ("certificate.issue", c.serial, graduates.admin.id) for c in issued
    ]


def test_nobody_certifies_themself(graduates, sample_course, make_user):
    from lms.auth.models import Role

    other_head = make_user(Role.CELL_HEAD, region=graduates.kolkata, name="Another head")
    complete(graduates.head_kol, sample_course)
    assert "Head Kolkata" not in {item.user.name for item in services.eligible(graduates.head_kol)}
    own = (graduates.head_kol.id, sample_course.course_id)
    assert services.issue(graduates.head_kol, [own]) == ([], 1)
    assert "Head Kolkata" in {item.user.name for item in services.eligible(other_head)}
    assert [cert.user_id for cert in services.issue(other_head, [own])[0]] == [graduates.head_kol.id]


def test_out_of_scope_and_repeats_are_skipped(graduates, sample_course):
    pair_kol, pair_dar = (
        (graduates.sahayak_kol.id, sample_course.course_id),
        (graduates.sahayak_dar.id, sample_course.course_id),
    )
    issued, skipped = services.issue(graduates.head_kol, [pair_kol, pair_dar, pair_kol])
    assert [c.user_id for c in issued] == [graduates.sahayak_kol.id] and skipped == 1
    assert services.issue(graduates.head_kol, [pair_kol]) == ([], 1)
    assert len(certificates()) == 1


def test_the_database_refuses_a_second_valid_certificate(graduates, sample_course):
    from sqlalchemy.exc import IntegrityError

    [first], _ = services.issue(graduates.admin, [(graduates.sahayak_kol.id, sample_course.course_id)])
    duplicate = Certificate(
        serial="X-1",
        code="X1",
        user_id=first.user_id,
        course_id=first.course_id,
        version_id=first.version_id,
        snapshot={},
        issued_by_id=graduates.admin.id,
    )
    db.session.add(duplicate)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    else:
        raise AssertionError("a second valid certificate was accepted")


def test_concurrent_issuing_makes_exactly_one_certificate_each(app, graduates, sample_course, make_user):
    people = [make_user(region=graduates.kolkata, name=f"Graduate {n}") for n in range(8)]
    for person in people:
        complete(person, sample_course)
    pairs = [(person.id, sample_course.course_id) for person in people]
    admin_id, head_id = graduates.admin.id, graduates.head_kol.id
    barrier, errors = threading.Barrier(6), []

    def issue_all(actor_id):
        try:
            with app.app_context():
                barrier.wait(timeout=30)
                services.issue(db.session.get(User, actor_id), pairs)
                db.session.remove()
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=issue_all, args=(actor,)) for actor in (admin_id, head_id) * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    db.session.expire_all()
    valid = [c for c in certificates() if c.revoked_at is None]
    assert sorted(c.user_id for c in valid) == sorted(person.id for person in people)
    assert len({c.serial for c in valid}) == len(valid)


def test_snapshot_never_changes_after_edits(graduates, sample_course):
    [cert], _ = services.issue(graduates.admin, [(graduates.sahayak_kol.id, sample_course.course_id)])
    before = dict(cert.snapshot)
    graduates.sahayak_kol.name = "Renamed Person"
    db.session.commit()
    publish(
        parse_course(
            "safe-accounts", course_files(**{"course.md": COURSE_MD.replace("নিরাপদ অ্যাকাউন্ট", "New title")})
        ),
        None,
        "cli",
    )
    db.session.expire_all()
    assert db.session.get(Certificate, cert.id).snapshot == before


def test_revocation_needs_a_reason_and_keeps_the_record(graduates, sample_course):
    [cert], _ = services.issue(graduates.head_kol, [(graduates.sahayak_kol.id, sample_course.course_id)])
    try:
        services.revoke(graduates.head_kol, cert.code, "error", "  ")
    except services.CertificateError as error:
        assert "Give a reason" in str(error)
    services.revoke(graduates.head_kol, cert.code, "error", "Issued by mistake")
    assert cert.revoked_at is not None and cert.revoke_reason == "Issued by mistake"
    assert (
        db.session.execute(db.select(AuditEvent).filter_by(action="certificate.revoke")).scalar_one().subject
        == cert.serial
    )
    # Once revoked, a new valid certificate may be issued.
    [again], _ = services.issue(graduates.head_kol, [(graduates.sahayak_kol.id, sample_course.course_id)])
    assert again.serial != cert.serial and len(certificates()) == 2


def test_cell_heads_cannot_revoke_outside_their_area(graduates, sample_course):
    [cert], _ = services.issue(graduates.admin, [(graduates.sahayak_dar.id, sample_course.course_id)])
    with pytest.raises(NotFound):
        services.revoke(graduates.head_kol, cert.code, "error", "no")
