"""More tries for learners who used every attempt at a quiz: who may give them, the learner
taking the quiz again, the audit log, resets, and one more try for a whole batch."""

from datetime import date

import pytest

from lms.auth.audit import AuditEvent
from lms.auth.models import Role
from lms.auth.permissions import may
from lms.batches import attempts, services
from lms.core.errors import NotFound
from lms.extensions import db
from lms.learning.models import Attempt, QuizProgress
from tests.learning.quizzing import form_of, quiz

LESSON = "/courses/safe-accounts/lessons/passwords"  # its quiz safe-password allows 3 attempts


@pytest.fixture
def batch(world, sample_course):
    batch = services.create_batch(
        world.trainer_kol, sample_course.course_id, "Bhabanipur", "", date(2026, 12, 1), world.kolkata.id
    )
    services.join(world.sahayak_kol, batch)
    return batch


def fail_once(client) -> int:
    """Submit the safe-password quiz with no answers (a fail); the response status."""
    page = client.get(LESSON).get_data(as_text=True)
    if (
        'id="quiz-safe-password"' not in page
        or 'name="token"' not in page.split('id="quiz-safe-password"')[1]
    ):
        return 0  # no form: out of tries
    token, _order = form_of(page, "safe-password")
    return client.post("/quizzes/submit", data={"token": token}).status_code


def use_every_try(client, auth, learner) -> None:
    auth.login(learner)
    for _ in range(3):
        assert fail_once(client) == 302
    page = client.get(LESSON).get_data(as_text=True)
    assert "You have used all attempts at this quiz." in page and "can give you more tries" in page
    auth.logout()


def tries_at(learner) -> QuizProgress:
    return db.session.execute(
        db.select(QuizProgress).filter_by(user_id=learner.id, quiz_key="safe-password")
    ).scalar_one()


def test_the_batch_leader_gives_a_stuck_learner_more_tries_and_the_learner_uses_them(
    client, auth, world, batch
):
    use_every_try(client, auth, world.sahayak_kol)
    auth.login(world.trainer_kol)
    roster = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    link = f"/people/{world.sahayak_kol.id}/tries/{batch.course_id}?batch={batch.id}"
    assert "out of tries: give more" in roster and link.replace("&", "&amp;") in roster
    assert ", </td>" not in roster  # one quiz taken of two: no dangling comma after its score
    page = client.get(link).get_data(as_text=True)
    assert "Passwords" in page and "out of tries" in page
    refused = client.post(link, data={"quiz_id": quiz("safe-password").id, "tries": "2", "reason": "  "})
    assert refused.status_code == 200 and tries_at(world.sahayak_kol).extra_attempts == 0
    given = client.post(
        link, data={"quiz_id": quiz("safe-password").id, "tries": "2", "reason": "Network failed twice"}
    )
    assert given.status_code == 302
    assert "Sahayak Kolkata now has 2 tries left." in client.get(given.headers["Location"]).get_data(
        as_text=True
    )
    event = db.session.execute(db.select(AuditEvent).filter_by(action="attempts.grant")).scalar_one()
    assert event.actor_id == world.trainer_kol.id and event.subject == f"user:{world.sahayak_kol.id}"
    assert event.detail | {} == event.detail and event.detail["reason"] == "Network failed twice"
    assert (event.detail["allowed_before"], event.detail["allowed_after"], event.detail["used"]) == (3, 5, 3)
    auth.logout()

    auth.login(world.sahayak_kol)
    page = client.get(LESSON).get_data(as_text=True)
    assert "attempts used: 3 of 5" in page and "2 tries left" in page
    assert fail_once(client) == 302 and fail_once(client) == 302
    assert fail_once(client) == 0  # out of tries again after the two given
    assert tries_at(world.sahayak_kol).attempts == 5
    assert db.session.execute(db.select(db.func.count(Attempt.id))).scalar() == 5


def test_a_reset_gives_back_the_full_number(client, auth, world, batch):
    use_every_try(client, auth, world.sahayak_kol)
    left = attempts.give_tries(
        world.head_kol, world.sahayak_kol.id, batch.course_id, quiz("safe-password").id, None, "New start"
    )
    assert left == 3
    assert db.session.execute(db.select(AuditEvent.action)).scalars().all() == ["attempts.reset"]
    again = attempts.give_tries(
        world.admin, world.sahayak_kol.id, batch.course_id, quiz("safe-password").id, None, "Again"
    )
    assert again == 3 and tries_at(world.sahayak_kol).extra_attempts == 3  # nothing more was used


@pytest.mark.parametrize(
    ("giver", "allowed"),
    [
        ("trainer_kol", True),  # leads the learner's batch of this course
        ("head_kol", True),  # cell head over the learner's region
        ("admin", True),
        ("head_dar", False),  # another region
        ("trainer_other", False),  # a trainer of the same area who leads no batch of theirs
        ("sahayak_kol", False),  # nobody gives themself more tries
        ("sahayak_dar", False),
    ],
)
def test_who_may_give_tries(client, auth, world, batch, make_user, giver, allowed):
    world.trainer_other = make_user(Role.TRAINER, region=world.kolkata, name="Other trainer")
    actor = getattr(world, giver)
    assert may(actor, "give_tries", (world.sahayak_kol, batch.course_id)) is allowed
    url = f"/people/{world.sahayak_kol.id}/tries/{batch.course_id}"
    auth.login(actor)
    assert client.get(url).status_code == (200 if allowed else 404)
    response = client.post(url, data={"quiz_id": quiz("safe-password").id, "tries": "1", "reason": "x"})
    assert response.status_code == (302 if allowed else 404)
    assert db.session.execute(db.select(db.func.count(AuditEvent.id))).scalar() == (1 if allowed else 0)
    if not allowed:
        with pytest.raises(NotFound):
            attempts.give_tries(
                actor, world.sahayak_kol.id, batch.course_id, quiz("safe-password").id, 1, "x"
            )


def test_a_leader_of_another_course_may_not(world, batch, sample_course, make_user):
    other = make_user(Role.TRAINER, region=world.kolkata, name="Leads another course")
    assert not may(other, "give_tries", (world.sahayak_kol, sample_course.course_id + 1))
    assert not may(world.trainer_kol, "give_tries", (world.sahayak_kol, sample_course.course_id + 1))


def test_out_of_range_tries_are_refused(world, batch):
    for extra in (0, attempts.MAX_EXTRA + 1):
        with pytest.raises(attempts.GrantRefused):
            attempts.give_tries(
                world.admin, world.sahayak_kol.id, batch.course_id, quiz("safe-password").id, extra, "x"
            )
    assert db.session.execute(db.select(AuditEvent)).first() is None


def test_one_more_try_for_every_member_out_of_tries(client, auth, world, batch, make_user):
    second = make_user(Role.SAHAYAK, region=world.booth, name="Second")
    fresh = make_user(Role.SAHAYAK, region=world.booth, name="Fresh")
    for learner in (second, fresh):
        services.join(learner, batch)
    use_every_try(client, auth, world.sahayak_kol)
    use_every_try(client, auth, second)
    auth.login(world.trainer_kol)
    page = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    assert "2 members are out of tries at “Passwords”" in page
    assert (
        client.post(f"/batches/{batch.id}/tries", data={"quiz_id": quiz("safe-password").id}).status_code
        == 302
    )
    assert db.session.execute(db.select(AuditEvent)).first() is None  # no reason, nothing given
    done = client.post(
        f"/batches/{batch.id}/tries",
        data={"quiz_id": quiz("safe-password").id, "reason": "Revision class held"},
    )
    assert "2 members were given one more try." in client.get(done.headers["Location"]).get_data(as_text=True)
    assert tries_at(world.sahayak_kol).extra_attempts == tries_at(second).extra_attempts == 1
    assert db.session.execute(db.select(QuizProgress).filter_by(user_id=fresh.id)).first() is None
    events = db.session.execute(db.select(AuditEvent)).scalars().all()
    assert {event.subject for event in events} == {f"user:{world.sahayak_kol.id}", f"user:{second.id}"}
    assert all(event.detail["batch_id"] == batch.id for event in events)
    page = client.get(f"/batches/{batch.id}").get_data(as_text=True)
    assert "out of tries at “Passwords”" not in page
    again = client.post(  # a second press (a stale page): nobody is out of tries now
        f"/batches/{batch.id}/tries",
        data={"quiz_id": quiz("safe-password").id, "reason": "Revision class held"},
    )
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Nobody was given a try" in page and "0 members" not in page  # issue 16: no success for nothing


def test_the_learners_page_links_to_their_tries(client, auth, world, batch):
    use_every_try(client, auth, world.sahayak_kol)
    auth.login(world.head_kol)
    page = client.get(f"/people/{world.sahayak_kol.id}").get_data(as_text=True)
    assert "Quiz tries" in page and f"/people/{world.sahayak_kol.id}/tries/{batch.course_id}" in page
    assert "out of tries at 1 quiz" in page
    auth.logout()
    auth.login(world.head_dar)
    assert client.get(f"/people/{world.sahayak_kol.id}").status_code == 404


def test_the_tries_page_starts_at_the_quiz_the_learner_is_stuck_at(client, auth, world, batch):
    url = f"/people/{world.sahayak_kol.id}/tries/{batch.course_id}"
    chosen = f'<option selected value="{quiz("safe-password").id}">'

    def quiz_select() -> str:
        return client.get(url).get_data(as_text=True).split('id="quiz_id"', 1)[1].split("</select>", 1)[0]

    auth.login(world.trainer_kol)
    assert chosen not in quiz_select()  # not stuck yet: nothing chosen
    auth.logout()
    use_every_try(client, auth, world.sahayak_kol)
    auth.login(world.trainer_kol)
    assert chosen in quiz_select()
