"""Dates on the programme's clock (BABEL_DEFAULT_TIMEZONE, Asia/Kolkata): stored moments stay
UTC; a certificate issued between 00:00 and 05:30 IST, or on New Year's night, carries the
Indian date and year; the burn-up and exports count days as India does."""

from datetime import UTC, date, datetime

import pytest

from lms.auth.models import User
from lms.batches import services as batches
from lms.certificates import services as certificates
from lms.core import clock
from lms.extensions import db
from lms.learning.models import Completion
from lms.reports import progress
from tests.certificates.conftest import complete

NEW_YEAR_NIGHT = datetime(2026, 12, 31, 19, 0, tzinfo=UTC)  # 1 January 2027, 00:30 IST
EARLY_MORNING = datetime(2026, 3, 10, 20, 15, tzinfo=UTC)  # 11 March 2026, 01:45 IST


@pytest.fixture
def at(monkeypatch):
    """Set the clock the services read."""

    def set_to(moment: datetime) -> None:
        for module in (clock, certificates):
            monkeypatch.setattr(module, "utcnow", lambda: moment)

    return set_to


def completed_at(user: User, moment: datetime) -> None:
    for row in db.session.execute(db.select(Completion).filter_by(user_id=user.id)).scalars():
        row.completed_at = moment
    db.session.commit()


def test_the_programme_clock(app, at):
    at(NEW_YEAR_NIGHT)
    assert clock.local_today() == date(2027, 1, 1)
    assert clock.local_date(NEW_YEAR_NIGHT.replace(tzinfo=None)) == date(2027, 1, 1)  # SQLite's naive UTC
    assert clock.local_moment(EARLY_MORNING).isoformat() == "2026-03-11T01:45:00+05:30"
    assert clock.utc_offset_minutes() == 330


def test_new_years_night_in_india_is_next_years_serial_and_date(world, sample_course, at):
    complete(world.sahayak_kol, sample_course)
    completed_at(world.sahayak_kol, datetime(2026, 12, 31, 18, 45, tzinfo=UTC))  # 00:15 IST
    at(NEW_YEAR_NIGHT)
    [issued], _ = certificates.issue(world.admin, [(world.sahayak_kol.id, sample_course.course_id)])
    assert issued.serial == "DS-2027-000001"
    assert issued.snapshot["issued_on"] == "2027-01-01"
    assert issued.snapshot["completed_on"] == "2027-01-01"
    assert clock.as_utc(issued.issued_at) == NEW_YEAR_NIGHT  # stored as it happened, in UTC


def test_a_certificate_issued_before_half_past_five_ist_shows_the_indian_date(
    client, world, sample_course, at
):
    complete(world.sahayak_kol, sample_course)
    at(EARLY_MORNING)
    [issued], _ = certificates.issue(world.admin, [(world.sahayak_kol.id, sample_course.course_id)])
    assert issued.serial == "DS-2026-000001" and issued.snapshot["issued_on"] == "2026-03-11"
    page = client.get(f"/verify/{issued.code}?lang=en").get_data(as_text=True)
    assert "11 March 2026" in page and "10 March 2026" not in page


def test_the_burn_up_counts_days_as_india_does(world, make_user):
    person = make_user(region=world.booth)
    person.completed_at = EARLY_MORNING  # 11 March in India, 10 March in UTC
    person.certified_at = datetime(2026, 3, 11, 18, 29, tzinfo=UTC)  # 23:59 IST, still 11 March
    db.session.commit()
    burn = progress.burn_up(world.kolkata)
    assert burn.completed == [(date(2026, 3, 11), 1)]
    assert burn.certified == [(date(2026, 3, 11), 1)]


def test_the_roster_export_gives_indian_dates_and_times(world, make_user, sample_course):
    from lms.batches.models import Batch, Membership

    batch = Batch(
        name="B", course_id=sample_course.course_id, leader_id=world.trainer_kol.id, region_id=world.booth.id,
        starts_on=date(2026, 3, 1), join_code="ABCD2345", created_by_id=world.trainer_kol.id,
    )  # fmt: skip
    db.session.add(batch)
    db.session.flush()
    db.session.add(Membership(batch_id=batch.id, user_id=world.sahayak_kol.id, joined_at=EARLY_MORNING))
    db.session.commit()
    rows = batches.roster(batch, world.admin)
    text = batches.roster_csv(batch, rows, []).decode("utf-8-sig")
    assert ",2026-03-11," in text and "2026-03-10" not in text
