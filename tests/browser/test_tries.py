"""Real Chromium, JavaScript off and on: a learner uses every try, their trainer gives more
from the batch roster with a reason, and the learner sees the tries and takes the quiz."""

from datetime import date

import pytest

from lms.batches.services import create_batch, join
from lms.extensions import db
from lms.learning.models import QuizProgress
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

LESSON = "/courses/safe-accounts/lessons/passwords"  # its quiz allows 3 tries


def submit_empty(page, base: str) -> None:
    """Send the lesson's quiz form with nothing ticked (a fail)."""
    page.goto(base + LESSON)
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url(f"{base}/attempts/*")


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_trainer_gives_a_stuck_learner_more_tries(world, sample_course, live_server, browser, javascript):
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "Workshop", "", date(2026, 12, 1), world.kolkata.id
    )
    join(world.sahayak_kol, batch)
    phone = {"viewport": {"width": 360, "height": 640}, "java_script_enabled": javascript}

    learner = browser.new_context(**phone).new_page()
    sign_in(learner, live_server, world.sahayak_kol.phone, PASSWORD)
    for _ in range(3):
        submit_empty(learner, live_server)
    learner.goto(live_server + LESSON)
    assert "You have used all attempts at this quiz." in learner.content()

    trainer = browser.new_context(**phone).new_page()
    sign_in(trainer, live_server, world.trainer_kol.phone, PASSWORD)
    trainer.goto(f"{live_server}/batches/{batch.id}")
    trainer.get_by_role("link", name="out of tries: give more").click()
    trainer.get_by_label("Tries", exact=True).select_option("2")
    trainer.get_by_role("button", name="Give the tries").click()
    assert "Say why, for the record." in trainer.content() or "This field is required." in trainer.content()
    trainer.get_by_label("Why (kept in the audit log)").fill("Network failed during the quiz")
    trainer.get_by_role("button", name="Give the tries").click()
    assert "Sahayak Kolkata now has 2 tries left." in trainer.content()
    trainer.get_by_role("link", name="Back to the batch").click()
    assert "out of tries: give more" not in trainer.content()

    learner.goto(live_server + LESSON)
    assert "attempts used: 3 of 5" in learner.content() and "2 tries left" in learner.content()
    submit_empty(learner, live_server)
    progress = db.session.execute(
        db.select(QuizProgress).filter_by(user_id=world.sahayak_kol.id)
    ).scalar_one()
    db.session.refresh(progress)
    assert (progress.attempts, progress.extra_attempts) == (4, 2)
