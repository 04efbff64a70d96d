"""Correcting people and letting them go: who may, what is checked, the audit log, sessions
ending at deactivation, and certificates re-issued after a name correction."""

import csv
import io

import pytest

from lms.auth.audit import AuditEvent
from lms.auth.models import User
from lms.certificates import services as certificates
from lms.certificates.models import Certificate
from lms.core.errors import NotFound
from lms.extensions import db
from lms.people import editing
from lms.people.services import PersonError
from tests.certificates.conftest import complete
from tests.conftest import PASSWORD


def events(action: str) -> list[AuditEvent]:
    return db.session.execute(db.select(AuditEvent).filter_by(action=action)).scalars().all()


def form_for(person: User, **changes) -> dict:
    details = {
        "name": person.name,
        "phone": person.phone,
        "region_code": person.region.code,
        "role": person.role,
    }
    return details | changes


def test_a_cell_head_corrects_a_name_number_region_and_role(client, auth, world):
    person, old_phone = world.sahayak_kol, world.sahayak_kol.phone
    auth.login(world.head_kol)
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert f'href="/people/{person.id}/edit"' in page
    assert client.get(f"/people/{person.id}/edit").status_code == 200
    response = client.post(
        f"/people/{person.id}/edit",
        data=form_for(person, name="  Sahayak   Kolkata Das ", phone="+91 98300 55555", region_code="wb-kol", role="trainer"),
    )  # fmt: skip
    assert response.status_code == 302
    db.session.refresh(person)
    assert (person.name, person.phone, person.region_id, person.role) == (
        "Sahayak Kolkata Das", "9830055555", world.kolkata.id, "trainer",
    )  # fmt: skip
    [event] = events("person.edit")
    assert event.actor_id == world.head_kol.id and event.subject == f"user:{person.id}"
    assert event.detail["before"] == {
        "name": "Sahayak Kolkata",
        "phone": old_phone,
        "region": "B-KOL-1",
        "role": "sahayak",
    }
    assert event.detail["after"] == {
        "name": "Sahayak Kolkata Das",
        "phone": "9830055555",
        "region": "WB-KOL",
        "role": "trainer",
    }
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "Corrected" in page and "Sahayak Kolkata → Sahayak Kolkata Das" in page
    again = client.post(f"/people/{person.id}/edit", data=form_for(person), follow_redirects=True)
    assert "Nothing was changed." in again.get_data(as_text=True) and len(events("person.edit")) == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"role": "admin"}, "You may not make anyone a"),
        ({"region_code": "WB-DAR"}, "Choose a region inside your own area."),
        ({"region_code": "NOWHERE"}, "Unknown region NOWHERE."),
        ({"phone": "12345"}, "mobile number"),
        ({"name": "   "}, "A name is required"),
    ],
)
def test_bad_corrections_are_refused_and_change_nothing(world, changes, message):
    person = world.sahayak_kol
    before = (person.name, person.phone, person.region_id, person.role)
    details = form_for(person, **changes)
    with pytest.raises(PersonError, match=message):
        editing.edit_person(
            world.head_kol,
            person.id,
            details["name"],
            details["phone"],
            details["region_code"],
            details["role"],
        )
    db.session.rollback()
    db.session.refresh(person)
    assert (person.name, person.phone, person.region_id, person.role) == before
    assert events("person.edit") == []


def test_a_number_of_someone_else_is_refused(world):
    person = world.sahayak_kol
    with pytest.raises(PersonError, match="belongs to someone else"):
        editing.edit_person(
            world.head_kol, person.id, person.name, world.trainer_kol.phone, "B-KOL-1", "sahayak"
        )


@pytest.mark.parametrize(
    ("editor", "status"),
    [("head_kol", 200), ("admin", 200), ("head_dar", 404), ("trainer_kol", 403), ("sahayak_dar", 403)],
)
def test_who_may_correct_a_sahayak(client, auth, world, editor, status):
    auth.login(getattr(world, editor))
    assert client.get(f"/people/{world.sahayak_kol.id}/edit").status_code == status


def test_nobody_edits_themself_or_a_peer_they_do_not_manage(world):
    with pytest.raises(NotFound):
        editing.person_to_edit(world.head_kol, world.head_kol.id)
    with pytest.raises(NotFound):
        editing.person_to_edit(world.admin, world.admin.id)


def test_deactivating_ends_sessions_at_once_and_keeps_the_records(app, client, auth, world, sample_course):
    person = world.sahayak_kol
    complete(person, sample_course)
    learner = app.test_client()
    learner.post("/login", data={"phone": person.phone, "password": PASSWORD})
    assert learner.get("/").status_code == 200
    auth.login(world.head_kol)
    refused = client.post(f"/people/{person.id}/deactivate", data={"reason": " "}, follow_redirects=True)
    assert "Say why, for the record." in refused.get_data(as_text=True) and person.active
    client.post(f"/people/{person.id}/deactivate", data={"reason": "Moved to another state"})
    db.session.refresh(person)
    assert not person.active and events("person.deactivate")[0].detail == {"reason": "Moved to another state"}
    assert learner.get("/").status_code == 302  # signed out at once
    again = app.test_client().post("/login", data={"phone": person.phone, "password": PASSWORD})
    assert again.status_code == 200 and "Wrong mobile number or password." in again.get_data(as_text=True)
    listed = client.get("/people/", query_string={"q": person.name}).get_data(as_text=True)
    assert "deactivated" in listed
    with client.get("/reports/people.csv", query_string={"region": "WB-KOL"}) as response:
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert next(row for row in rows if row["name"] == person.name)["status"] == "deactivated"
    assert next(row for row in rows if row["name"] == person.name)["courses_completed"] == "1"
    client.post(f"/people/{person.id}/reactivate")
    db.session.refresh(person)
    assert person.active and len(events("person.reactivate")) == 1
    assert (
        app.test_client().post("/login", data={"phone": person.phone, "password": PASSWORD}).status_code
        == 302
    )


def test_a_corrected_name_is_reissued_on_a_new_certificate(client, auth, world, sample_course):
    person = world.sahayak_kol
    complete(person, sample_course)
    [old], _ = certificates.issue(world.head_kol, [(person.id, sample_course.course_id)])
    editing.edit_person(world.head_kol, person.id, "Sahayak Kolkata Das", person.phone, "B-KOL-1", "sahayak")
    auth.login(world.head_kol)
    page = client.get(f"/people/{person.id}").get_data(as_text=True)
    assert "printed before the name was corrected" in page and "printed as “Sahayak Kolkata”" in page
    done = client.post(f"/certificates/{old.code}/reissue", follow_redirects=True).get_data(as_text=True)
    assert f"Certificate {old.serial} revoked;" in done and "printed as" not in done
    db.session.refresh(old)
    assert old.revoked_at is not None and old.revoke_reason == "name corrected"
    new = db.session.execute(
        db.select(Certificate).filter_by(user_id=person.id, revoked_at=None)
    ).scalar_one()
    assert new.snapshot["name"] == "Sahayak Kolkata Das" and new.serial != old.serial
    assert client.post(f"/certificates/{new.code}/reissue", follow_redirects=True).status_code == 200
    assert db.session.execute(db.select(db.func.count(Certificate.id))).scalar() == 2  # nothing to re-issue
    auth.logout()
    auth.login(world.head_dar)
    assert client.post(f"/certificates/{new.code}/reissue").status_code == 404


def test_a_persons_page_shows_batches_lessons_quizzes_and_certificates(client, auth, world, sample_course):
    from datetime import date

    from lms.batches.services import create_batch, join
    from tests.learning.quizzing import complete_course

    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "Workshop", "", date(2026, 12, 1), world.kolkata.id
    )
    join(world.sahayak_kol, batch)
    auth.login(world.sahayak_kol)
    complete_course(client)
    auth.logout()
    certificates.issue(world.head_kol, [(world.sahayak_kol.id, sample_course.course_id)])
    auth.login(world.head_kol)
    page = client.get(f"/people/{world.sahayak_kol.id}").get_data(as_text=True)
    assert f'href="/batches/{batch.id}"' in page and "Trainer Kolkata" in page  # who trained them
    assert "Lessons and quizzes" in page and "Passwords" in page and "Passed, best score 100%" in page
    assert "Completed" in page
    serial = db.session.execute(db.select(Certificate.serial)).scalar_one()
    assert serial in page and "Re-issue" not in page
    auth.logout()
    auth.login(world.trainer_kol)  # sees the person, not their certificates
    page = client.get(f"/people/{world.sahayak_kol.id}").get_data(as_text=True)
    assert "Lessons and quizzes" in page and serial not in page


def test_learners_see_each_lesson_and_quiz_with_tries_left(client, auth, world, sample_course):
    from tests.learning.quizzing import form_of

    auth.login(world.sahayak_kol)
    token, _order = form_of(
        client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True), "safe-password"
    )
    client.post("/quizzes/submit", data={"token": token})  # a fail
    page = client.get("/progress").get_data(as_text=True)
    row = page.split("Passwords", 1)[1].split("</tr>", 1)[0]
    assert "✔" in row and "best score so far 0%" in row and "2 tries left" in row
    phishing = page.split("Phishing", 1)[1].split("</tr>", 1)[0]
    assert "not taken yet" in phishing and "—" in phishing  # not read, no limit


def test_the_people_list_pages_keep_the_search(app, client, auth, world, make_user):
    app.config["USERS_PER_PAGE"] = 2
    for n in range(3):
        make_user(region=world.booth, name=f"Paged {n}")
    auth.login(world.head_kol)
    page = client.get("/people/", query_string={"q": "paged"}).get_data(as_text=True)
    assert "Page 1 of 2" in page and 'rel="next" href="/people/?q=paged&amp;page=2"' in page
