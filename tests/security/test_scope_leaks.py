"""Issue 15, finding 10: a Darjeeling sahayak who joined a Kolkata batch and leads a
Darjeeling batch made that batch's name, leader and member count visible in the Kolkata
head's cascade view, and the Kolkata trainer's roster CSV showed the sahayak's phone number.
Now people and batches outside the viewer's area are counted, never named."""

from datetime import date

import pytest

from lms.batches.models import LeaderGrant
from lms.batches.services import create_batch, join
from lms.extensions import db


@pytest.fixture
def crossing(world, sample_course, make_user):
    """The Kolkata workshop, joined by a Kolkata sahayak and by a Darjeeling one, who leads a
    Darjeeling batch of two."""
    workshop = create_batch(
        world.trainer_kol, sample_course.course_id, "Kolkata workshop", "", date(2026, 9, 1), world.kolkata.id
    )
    visitor = make_user(region=world.darjeeling, name="Pemba Visitor", phone="9830077701")
    join(world.sahayak_kol, workshop), join(visitor, workshop)
    db.session.add(
        LeaderGrant(user_id=visitor.id, course_id=sample_course.course_id, granted_by_id=world.head_dar.id)
    )
    db.session.commit()
    theirs = create_batch(
        visitor, sample_course.course_id, "Darjeeling hill group", "", date(2026, 9, 9), world.darjeeling.id
    )
    for n in range(2):
        join(make_user(region=world.darjeeling, name=f"Hill learner {n}"), theirs)
    return workshop, visitor


def test_the_cascade_counts_batches_outside_the_viewers_area(client, auth, world, crossing):
    workshop, visitor = crossing
    auth.login(world.head_kol)
    page = client.get("/reports/cascade", query_string={"batch": workshop.id}).get_data(as_text=True)
    assert "Level 2" in page and "1 batch outside your area, not shown." in page
    assert "Darjeeling hill group" not in page and visitor.name not in page
    assert "Kolkata workshop" in page


def test_an_admin_sees_the_whole_cascade(client, auth, world, crossing, make_user):
    workshop, visitor = crossing
    auth.login(make_user(role="admin", region=None))
    page = client.get("/reports/cascade", query_string={"batch": workshop.id}).get_data(as_text=True)
    assert "Darjeeling hill group" in page and visitor.name in page and "outside your area" not in page


def test_the_roster_counts_members_from_outside_the_leaders_area(client, auth, world, crossing):
    workshop, visitor = crossing
    auth.login(world.trainer_kol)
    csv = client.get(f"/batches/{workshop.id}/roster.csv").get_data(as_text=True)
    assert world.sahayak_kol.name in csv
    assert visitor.phone not in csv and visitor.name not in csv
    page = client.get(f"/batches/{workshop.id}").get_data(as_text=True)
    assert visitor.name not in page
    assert "1 member lives outside your area: not shown here nor in the roster file." in page


def test_the_cell_head_of_the_visitors_region_is_not_the_one_who_sees_the_kolkata_roster(
    client, auth, world, crossing
):
    workshop, _visitor = crossing
    auth.login(world.head_dar)
    assert client.get(f"/batches/{workshop.id}/roster.csv").status_code == 404
