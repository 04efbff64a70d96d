"""Dashboards and exports: every figure checked against a brute-force count, scope, CSVs, query counts."""

import csv
import io
import random

import pytest

from lms.auth.models import Region, User
from lms.certificates import services as certificates
from lms.extensions import db
from lms.learning.models import Completion, LessonRead
from lms.learning.services import record_read
from lms.reports import services
from tests.certificates.conftest import complete
from tests.queries import count_queries


@pytest.fixture
def population(world, sample_course, make_user):
    """Sahayaks spread over the tree with random progress (seeded)."""
    rng = random.Random(7)
    places = [world.state, world.kolkata, world.darjeeling, world.booth, world.booth.parent]
    people = [world.sahayak_kol, world.sahayak_dar] + [
        make_user(region=rng.choice(places)) for _ in range(40)
    ]
    for person in people:
        roll = rng.random()
        if roll > 0.3:
            record_read(person, sample_course.course, sample_course.lessons[0].slug)
        if roll > 0.6:
            complete(person, sample_course)
    db.session.commit()
    done = [
        (p.id, sample_course.course_id)
        for p in people
        if db.session.execute(db.select(Completion).filter_by(user_id=p.id)).first()
    ]
    issued, _ = certificates.issue(world.admin, done[: len(done) // 2])
    certificates.revoke(world.admin, issued[0].code, "other", "test")
    return people


def brute_force(region: Region) -> dict:
    """The four figures counted the slow, obvious way, in Python."""
    sahayaks = [
        u
        for u in db.session.execute(db.select(User).filter_by(role="sahayak")).scalars()
        if u.region.path.startswith(region.path)
    ]
    reads = {r.user_id for r in db.session.execute(db.select(LessonRead)).scalars()}
    done = {c.user_id for c in db.session.execute(db.select(Completion)).scalars()}
    from lms.certificates.models import Certificate

    certified = {
        c.user_id for c in db.session.execute(db.select(Certificate)).scalars() if c.revoked_at is None
    }
    ids = {u.id for u in sahayaks}
    return {
        "registered": len(ids),
        "learning": len(ids & reads),
        "completed": len(ids & done),
        "certified": len(ids & certified),
    }


def figures(row) -> dict:
    return {key: getattr(row, key) for key in ("registered", "learning", "completed", "certified")}


def test_every_figure_matches_a_brute_force_count(population, world):
    for region in (world.state, world.kolkata, world.darjeeling, world.booth.parent):
        board = services.dashboard(region)
        assert figures(board.total) == brute_force(region), region.code
        for row in board.rows:
            if row.region is not None:
                assert figures(row) == brute_force(row.region), row.region.code
        assert sum(row.registered for row in board.rows) == board.total.registered


def test_people_directly_in_a_region_have_their_own_row(population, world):
    board = services.dashboard(world.kolkata)
    direct = [row for row in board.rows if row.region is None]
    expected = sum(1 for p in population if p.region_id == world.kolkata.id)
    assert (direct[0].registered if direct else 0) == expected


def test_sorting(population, world):
    rows = services.dashboard(world.state, "registered").rows
    assert [row.registered for row in rows] == sorted((row.registered for row in rows), reverse=True)


def test_cell_head_sees_only_their_subtree(client, auth, population, world):
    auth.login(world.head_kol)
    page = client.get("/reports/").get_data(as_text=True)
    assert "<h1>Kolkata</h1>" in page
    assert client.get("/reports/", query_string={"region": "WB-DAR"}).status_code == 404
    assert client.get("/reports/", query_string={"region": "WB"}).status_code == 404
    assert client.get("/reports/people.csv", query_string={"region": "WB-DAR"}).status_code == 404
    assert f'href="/reports/?region={world.booth.parent.code}"' in page  # drill down
    auth.logout()
    auth.login(world.trainer_kol)
    assert client.get("/reports/").status_code == 403


def test_dashboard_page_has_the_chart_and_the_table(client, auth, population, world):
    auth.login(world.admin)
    page = client.get("/reports/", query_string={"region": "WB"}).get_data(as_text=True)
    assert '<svg class="chart" role="img"' in page and '<title id="chart-desc">' in page
    board = services.dashboard(world.state)
    assert f"<dd>{board.total.registered}</dd>" in page


def read_csv(client, url, **params) -> list[dict]:
    with client.get(url, query_string=params) as response:
        assert response.mimetype == "text/csv"
        text = response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def test_people_csv_has_the_right_rows_and_columns(client, auth, population, world):
    auth.login(world.head_kol)
    rows = read_csv(client, "/reports/people.csv")
    expected = brute_force(world.kolkata)
    assert len(rows) == expected["registered"]
    assert list(rows[0]) == [
        "name",
        "phone",
        "region_path",
        "lessons_read",
        "courses_completed",
        "certificates",
        "batches",
        "last_quiz_at",
        "status",
    ]
    assert {row["status"] for row in rows} == {""}  # nobody deactivated here
    kolkata_person = next(row for row in rows if row["name"] == "Sahayak Kolkata")
    assert (
        kolkata_person["region_path"]
        == f"West Bengal › Kolkata › {world.booth.parent.name} › {world.booth.name}"
    )
    assert sum(int(row["courses_completed"]) > 0 for row in rows) == expected["completed"]
    assert sum(int(row["certificates"]) > 0 for row in rows) == expected["certified"]


def test_certificates_and_batches_csv(client, auth, population, world):
    auth.login(world.admin)
    rows = read_csv(client, "/reports/certificates.csv", region="WB")
    assert {row["status"] for row in rows} == {"valid", "revoked"}
    assert sum(row["status"] == "revoked" for row in rows) == 1
    assert read_csv(client, "/reports/batches.csv", region="WB") == []


def test_exports_and_dashboard_need_no_more_queries_as_rows_grow(app, population, world, make_user):
    from lms.reports import exports

    def export_all():
        for rows in (exports.people_rows, exports.certificate_rows, exports.batch_rows):
            list(rows(world.state))
        services.dashboard(world.state)

    few = count_queries(export_all)
    for _ in range(30):
        make_user(region=world.booth)
    assert count_queries(export_all) == few


def test_the_booth_view_lists_its_people_a_page_at_a_time(app, client, auth, population, world):
    app.config["USERS_PER_PAGE"] = 5
    here = sorted((u for u in population if u.region_id == world.booth.id), key=lambda u: (u.name, u.id))
    assert len(here) > 5
    auth.login(world.head_kol)
    first = client.get("/reports/", query_string={"region": world.booth.code}).get_data(as_text=True)
    assert "Sahayaks here" in first and f"Page 1 of {-(-len(here) // 5)}" in first
    assert f'rel="next" href="/reports/?region={world.booth.code}&amp;page=2"' in first  # the region is kept
    assert all(f'href="/people/{u.id}"' in first for u in here[:5])
    assert f'href="/people/{here[5].id}"' not in first
    second = client.get("/reports/", query_string={"region": world.booth.code, "page": 2}).get_data(
        as_text=True
    )
    assert f'href="/people/{here[5].id}"' in second
    for person in here:  # each on its page, with dates where they reached a milestone
        page = client.get(
            "/reports/", query_string={"region": world.booth.code, "page": here.index(person) // 5 + 1}
        ).get_data(as_text=True)
        row = page.split(f'href="/people/{person.id}"', 1)[1].split("</tr>", 1)[0]
        milestones = (person.started_at, person.completed_at, person.certified_at)
        assert row.count("—") == sum(moment is None for moment in milestones)
    district = client.get("/reports/").get_data(as_text=True)
    assert "Sahayaks here" not in district  # regions with regions below list regions, not people
