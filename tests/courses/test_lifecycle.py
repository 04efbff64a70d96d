"""A course lived with for months: owners, publish decisions on the web, unpublishing."""

from datetime import date

import pytest

from lms.batches.services import BatchError, create_batch, join
from lms.courses.models import Course, CourseOwner, PublishEvent
from lms.extensions import db
from lms.learning.models import QuizProgress
from tests.courses.samples import LESSON_ONE, course_files
from tests.courses.test_web import drafted, make_zip, own, publish_drafts, upload, versions
from tests.learning.quizzing import complete_course

EDIT = "/courses/safe-accounts/edit/01-passwords.md"


@pytest.fixture
def other_trainer(make_user, world):
    return make_user("trainer", region=world.darjeeling, name="Trainer Darjeeling")


def test_only_owners_and_admins_change_a_course(client, auth, world, sample_course, other_trainer):
    own(world, sample_course)
    auth.login(other_trainer)
    refused = client.get(EDIT)
    assert refused.status_code == 403
    assert (
        "Only the owners of this course (Trainer Kolkata) and administrators may change it."
        in refused.get_data(as_text=True)
    )
    assert client.post(EDIT, data={"text": "x", "action": "save"}).status_code == 403
    assert client.post("/courses/safe-accounts/publish").status_code == 403
    assert client.post("/courses/safe-accounts/unpublish").status_code == 403
    versions_page = client.get("/courses/safe-accounts/versions").get_data(as_text=True)
    assert "Only its owners and administrators may change this course." in versions_page
    assert (
        client.get("/courses/safe-accounts/v1.zip").status_code == 200
    )  # other trainers may read the source
    upload_page = client.get("/courses/upload").get_data(as_text=True)
    assert 'value="safe-accounts"' not in upload_page  # not a course they may update
    refused = upload(client, make_zip(course_files()), course="safe-accounts")
    assert refused.status_code == 200 and drafted() == {}
    auth.logout()
    auth.login(world.admin)
    assert client.get(EDIT).status_code == 200  # admins own every course


def test_a_course_from_the_command_line_is_the_admins_until_they_name_owners(
    client, auth, world, sample_course
):
    auth.login(world.trainer_kol)
    page = client.get(EDIT).get_data(as_text=True)
    assert "Only administrators may change this course until they name its owners." in page
    auth.logout()
    auth.login(world.admin)
    response = client.post("/courses/safe-accounts/owners", data={"phone": world.trainer_kol.phone})
    assert response.status_code == 302
    auth.logout()
    auth.login(world.trainer_kol)
    assert client.get(EDIT).status_code == 200


def test_owners_add_and_remove_co_owners(client, auth, world, sample_course, other_trainer):
    own(world, sample_course)
    auth.login(world.trainer_kol)
    client.post("/courses/safe-accounts/owners", data={"phone": f"+91 {other_trainer.phone}"})
    refused = client.post(
        "/courses/safe-accounts/owners", data={"phone": world.sahayak_kol.phone}, follow_redirects=True
    )
    assert f"No trainer signs in with {world.sahayak_kol.phone}." in refused.get_data(as_text=True)
    owners = db.session.execute(db.select(CourseOwner.user_id)).scalars().all()
    assert sorted(owners) == sorted([world.trainer_kol.id, other_trainer.id])
    client.post(f"/courses/safe-accounts/owners/{other_trainer.id}/remove")
    assert db.session.execute(db.select(CourseOwner.user_id)).scalars().all() == [world.trainer_kol.id]


def test_an_upload_never_replaces_someone_elses_unpublished_work(
    client, auth, world, sample_course, other_trainer
):
    own(world, sample_course)
    own(world, sample_course, other_trainer)
    auth.login(other_trainer)
    client.post(EDIT, data={"text": LESSON_ONE + "\nMy edit.\n", "action": "save"})
    auth.logout()
    auth.login(world.trainer_kol)
    page = upload(client, make_zip(course_files()), course="safe-accounts").get_data(as_text=True)
    assert "Trainer Darjeeling has unpublished changes to this course (01-passwords.md)." in page
    assert drafted() == {"01-passwords.md": (LESSON_ONE + "\nMy edit.\n").encode()}


def test_a_new_course_only_ever_drafted_goes_when_its_drafts_are_discarded(client, auth, world):
    auth.login(world.trainer_kol)
    upload(client, make_zip(course_files()), new_slug="draft-course")
    assert db.session.execute(db.select(Course.slug)).scalars().all() == ["draft-course"]
    client.post("/courses/draft-course/discard")
    assert db.session.execute(db.select(Course)).first() is None and drafted() == {}


def grading_change(client) -> None:
    client.post(EDIT, data={"text": LESSON_ONE.replace("= 42 +- 0", "= 42 +- 1"), "action": "save"})


def test_publishing_a_grading_change_asks_first_then_keeps_or_retakes(client, auth, world, sample_course):
    auth.login(world.sahayak_kol)
    complete_course(client)
    auth.logout()
    own(world, sample_course)
    auth.login(world.trainer_kol)
    grading_change(client)
    asked = publish_drafts(client)
    assert asked.status_code == 200 and versions() == [1]  # nothing written before the decision
    page = asked.get_data(as_text=True)
    assert "1 sahayak passed safe-password in an earlier version." in page
    fingerprint = page.split('name="fingerprint" value="', 1)[1].split('"', 1)[0]
    done = publish_drafts(
        client, decided="1", fingerprint=fingerprint, **{"decision-safe-password": "retake"}
    )
    assert done.headers["Location"] == "/courses/safe-accounts/versions" and versions() == [1, 2]
    rounds = (
        db.session.execute(db.select(QuizProgress.round).filter_by(quiz_key="safe-password")).scalars().all()
    )
    event = db.session.execute(db.select(PublishEvent).order_by(PublishEvent.id.desc())).scalars().first()
    assert rounds == [1] and event.origin == "editor"
    assert event.detail == {"quizzes": [{"key": "safe-password", "passed": 1, "decision": "retake"}]}
    history = client.get("/courses/safe-accounts/versions").get_data(as_text=True)
    assert "everyone asked to take it again" in history and "published in the editor" in history
    from lms.courses.models import Quiz

    assert (
        db.session.execute(db.select(Quiz.round).filter_by(key="safe-password").order_by(Quiz.id.desc()))
        .scalars()
        .first()
        == 2
    )


def test_the_decision_is_made_on_the_drafts_that_get_published(client, auth, world, sample_course):
    auth.login(world.sahayak_kol)
    complete_course(client)
    auth.logout()
    own(world, sample_course)
    auth.login(world.trainer_kol)
    grading_change(client)
    page = publish_drafts(client).get_data(as_text=True)
    fingerprint = page.split('name="fingerprint" value="', 1)[1].split('"', 1)[0]
    client.post(EDIT, data={"text": LESSON_ONE.replace("= 42 +- 0", "= 42 +- 2"), "action": "save"})
    again = publish_drafts(client, decided="1", fingerprint=fingerprint, **{"decision-safe-password": "keep"})
    assert "The drafts changed meanwhile." in again.get_data(as_text=True) and versions() == [1]


def test_unpublishing_hides_the_course_and_keeps_everything_learners_did(client, auth, world, sample_course):
    from lms.certificates.services import issue

    auth.login(world.sahayak_kol)
    complete_course(client)
    auth.logout()
    [certificate], _ = issue(world.admin, [(world.sahayak_kol.id, sample_course.course_id)])
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "B", "", date(2026, 12, 1), world.kolkata.id
    )
    own(world, sample_course)
    auth.login(world.trainer_kol)
    assert client.post("/courses/safe-accounts/unpublish").status_code == 302
    auth.logout()
    auth.login(world.sahayak_kol)
    assert "safe-accounts" not in client.get("/courses/").get_data(as_text=True)
    assert client.get("/courses/safe-accounts/lessons/passwords").status_code == 404
    assert client.get(f"/verify/{certificate.code}").status_code == 200
    assert db.session.execute(db.select(QuizProgress)).scalars().all() != []
    with pytest.raises(BatchError):
        join(world.sahayak_dar, batch)
    with pytest.raises(BatchError):
        create_batch(
            world.trainer_kol, sample_course.course_id, "B2", "", date(2026, 12, 1), world.kolkata.id
        )
    auth.logout()
    auth.login(world.trainer_kol)
    history = client.get("/courses/safe-accounts/versions").get_data(as_text=True)
    assert "Unpublished on" in history and "Publish again" in history
    client.post("/courses/safe-accounts/republish")
    auth.logout()
    auth.login(world.sahayak_kol)
    assert client.get("/courses/safe-accounts/lessons/passwords").status_code == 200
    assert "100% done" in client.get("/courses/safe-accounts/").get_data(as_text=True)
    origins = db.session.execute(db.select(PublishEvent.origin).order_by(PublishEvent.id)).scalars().all()
    assert origins == ["cli", "unpublish", "republish"]
