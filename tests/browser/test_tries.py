"""Real Chromium, JavaScript off and on: a learner uses every try, their trainer gives more
from the batch roster with a reason, and the learner sees the tries and takes the quiz."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from lms.batches.services import create_batch, join
from lms.extensions import db
from lms.learning.models import QuizProgress
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

LESSON = "/courses/safe-accounts/lessons/passwords"  # its quiz allows 3 tries


def submit_empty(page, base: str) -> None:
    """Send the lesson's quiz form with nothing ticked (a fail); return once its result shows."""
    page.goto(base + LESSON)
    with page.expect_navigation(url=f"{base}/attempts/*"):
        page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".score")).to_contain_text("Not passed")


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_trainer_gives_a_stuck_learner_more_tries(world, sample_course, live_server, new_page, javascript):
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "Workshop", "", date(2026, 12, 1), world.kolkata.id
    )
    join(world.sahayak_kol, batch)

    learner = new_page(javascript)
    sign_in(learner, live_server, world.sahayak_kol.phone, PASSWORD)
    for _ in range(3):
        submit_empty(learner, live_server)
    learner.goto(live_server + LESSON)
    expect(learner.get_by_text("You have used all attempts at this quiz.")).to_be_visible()

    trainer = new_page(javascript)
    sign_in(trainer, live_server, world.trainer_kol.phone, PASSWORD)
    trainer.goto(f"{live_server}/batches/{batch.id}")
    with trainer.expect_navigation():
        trainer.get_by_role("link", name="out of tries: give more").click()
    trainer.get_by_label("Tries", exact=True).select_option("2")
    with trainer.expect_navigation():
        trainer.get_by_role("button", name="Give the tries").click()
    refused = re.compile(r"Say why, for the record\.|This field is required\.")
    expect(trainer.locator("main")).to_contain_text(refused)
    trainer.get_by_label("Why (kept in the audit log)").fill("Network failed during the quiz")
    with trainer.expect_navigation():
        trainer.get_by_role("button", name="Give the tries").click()
    expect(trainer.get_by_text("Sahayak Kolkata now has 2 tries left.")).to_be_visible()
    with trainer.expect_navigation(url=f"{live_server}/batches/{batch.id}"):
        trainer.get_by_role("link", name="Back to the batch").click()
    expect(trainer.locator("body")).not_to_contain_text("out of tries: give more")

    learner.goto(live_server + LESSON)
    expect(learner.locator("main")).to_contain_text("attempts used: 3 of 5")
    expect(learner.locator("main")).to_contain_text("2 tries left")
    submit_empty(learner, live_server)
    progress = db.session.execute(
        db.select(QuizProgress).filter_by(user_id=world.sahayak_kol.id)
    ).scalar_one()
    db.session.refresh(progress)
    assert (progress.attempts, progress.extra_attempts) == (4, 2)
