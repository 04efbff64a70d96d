"""Targets and the burn-up: cumulative completions and certificates, the pace needed."""

from datetime import UTC, date, datetime, timedelta

from lms.core.clock import local_today
from lms.extensions import db
from lms.reports import progress
from lms.reports.models import RegionTarget


def set_milestones(user, completed=None, certified=None):
    user.completed_at, user.certified_at = completed, certified
    db.session.commit()


def test_burn_up_counts_per_day_cumulatively(world, make_user):
    day = lambda n: datetime(2026, 10, n, 12, tzinfo=UTC)  # noqa: E731
    for n, (completed, certified) in enumerate([(1, None), (1, 3), (2, 3), (5, None)]):
        set_milestones(
            make_user(region=world.booth, name=f"P{n}"), day(completed), day(certified) if certified else None
        )
    set_milestones(make_user(region=world.darjeeling), day(1))  # another district: not counted
    burn = progress.burn_up(world.kolkata)
    assert burn.completed == [(date(2026, 10, 1), 2), (date(2026, 10, 2), 3), (date(2026, 10, 5), 4)]
    assert burn.certified == [(date(2026, 10, 3), 2)]
    assert burn.done == 4 and burn.target is None and burn.pace is None


def test_pace_needed_from_today(world, make_user):
    set_milestones(make_user(region=world.booth), datetime.now(UTC))
    progress.set_target(world.head_kol, world.kolkata, 101, local_today() + timedelta(days=10))
    burn = progress.burn_up(world.kolkata)
    assert burn.pace == 10.0
    geometry = progress.chart(burn)
    assert "target_y" in geometry and geometry["completed"] and geometry["pace_line"]


def test_who_may_set_targets(client, auth, world):
    auth.login(world.head_kol)
    response = client.post(
        "/reports/target?region=WB-KOL", data={"target": "500", "due_on": "2027-03-31"}, follow_redirects=True
    )
    assert "Target saved." in response.get_data(as_text=True)
    target = db.session.execute(db.select(RegionTarget)).scalar_one()
    assert (target.region_id, target.target, target.due_on) == (world.kolkata.id, 500, date(2027, 3, 31))
    page = client.get("/reports/?region=WB-KOL").get_data(as_text=True)
    assert "Needed per day from today" in page and "<title>Target: 500</title>" in page
    assert (
        client.post("/reports/target?region=WB-DAR", data={"target": "5", "due_on": "2027-03-31"}).status_code
        == 404
    )
    bad = client.post(
        "/reports/target?region=WB-KOL", data={"target": "0", "due_on": "2027-03-31"}, follow_redirects=True
    )
    assert "Enter a whole number from 1 to 10,000,000." in bad.get_data(as_text=True)
    auth.logout()
    auth.login(world.trainer_kol)
    assert (
        client.post("/reports/target?region=WB-KOL", data={"target": "5", "due_on": "2027-03-31"}).status_code
        == 403
    )
    assert db.session.execute(db.select(RegionTarget.target)).scalar() == 500


def test_a_due_date_today_or_in_the_past_is_refused(client, auth, world):
    """Issue 16: a past due date was taken ("Needed per day from today 49.0")."""
    auth.login(world.head_kol)
    for due in (local_today() - timedelta(days=1), local_today()):
        page = client.post(
            "/reports/target?region=WB-KOL",
            data={"target": "50", "due_on": due.isoformat()},
            follow_redirects=True,
        ).get_data(as_text=True)
        assert "Choose a due date after today." in page and "Target saved." not in page
    assert db.session.execute(db.select(RegionTarget)).first() is None


def test_without_a_target_the_chart_spans_two_weeks_and_has_a_legend(client, auth, world):
    """Issue 16: with every completion on one day and no target, the chart was one vertical
    line between two identical dates, without a legend."""
    world.sahayak_kol.completed_at = datetime.now(UTC)
    db.session.commit()
    geometry = progress.chart(progress.burn_up(world.kolkata))
    assert (geometry["end"] - geometry["start"]).days >= 14
    assert geometry["today_x"] > geometry["left"]  # today is not squeezed onto the y axis
    auth.login(world.head_kol)
    page = client.get("/reports/?region=WB-KOL").get_data(as_text=True)
    assert "Progress over time" in page and '<ul class="legend">' in page and "Pace needed" not in page
