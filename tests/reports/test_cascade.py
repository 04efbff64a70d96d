"""The cascade view: level by level from a workshop batch, and the leaders who trained most."""

from datetime import date

from lms.batches.models import LeaderGrant
from lms.batches.services import create_batch, join
from lms.extensions import db
from lms.reports.cascade import cascade, top_leaders, workshops


def grant(user, version, by):
    db.session.add(LeaderGrant(user_id=user.id, course_id=version.course_id, granted_by_id=by.id))
    db.session.commit()


def test_three_levels(world, sample_course, make_user):
    a, b, c, d, e = (make_user(region=world.booth, name=name) for name in "ABCDE")
    workshop = create_batch(
        world.trainer_kol, sample_course.course_id, "Workshop", "", date(2026, 9, 1), world.kolkata.id
    )
    join(a, workshop), join(b, workshop)
    grant(a, sample_course, world.head_kol)
    second = create_batch(a, sample_course.course_id, "A's group", "", date(2026, 9, 10), world.booth.id)
    join(c, second), join(d, second)
    grant(c, sample_course, world.head_kol)
    third = create_batch(c, sample_course.course_id, "C's group", "", date(2026, 9, 20), world.booth.id)
    join(e, third)
    levels = cascade(world.head_kol, workshop)
    assert [(level.number, len(level.batches), level.people) for level in levels] == [
        (1, 1, 2),
        (2, 1, 2),
        (3, 1, 1),
    ]
    assert [batch.name for batch, _ in workshops(world.head_kol)] == ["Workshop"]
    ranking = [(leader.name, batches, people) for leader, batches, people in top_leaders(world.head_kol)]
    assert ranking == [("A", 1, 2), ("Trainer Kolkata", 1, 2), ("C", 1, 1)]
    assert top_leaders(world.head_dar) == []


def test_cascade_pages_and_scope(client, auth, world, sample_course):
    workshop = create_batch(
        world.trainer_kol, sample_course.course_id, "Bhabanipur day", "", date(2026, 9, 1), world.kolkata.id
    )
    join(world.sahayak_kol, workshop)
    auth.login(world.head_kol)
    page = client.get("/reports/cascade").get_data(as_text=True)
    assert "Bhabanipur day" in page and "Leaders who trained the most people" in page
    detail = client.get("/reports/cascade", query_string={"batch": workshop.id}).get_data(as_text=True)
    assert "Level 1" in detail and '<td class="num">1</td>' in detail
    auth.logout()
    auth.login(world.head_dar)
    assert client.get("/reports/cascade", query_string={"batch": workshop.id}).status_code == 404
    assert "Bhabanipur day" not in client.get("/reports/cascade").get_data(as_text=True)
