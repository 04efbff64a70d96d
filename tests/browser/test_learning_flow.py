"""Real Chromium: a new person joins a batch with its code, registers, reads the lessons,
fails then passes a quiz and sees the course complete; with JavaScript on and off."""

from datetime import date

import pytest
from playwright.sync_api import expect

from lms.batches.services import create_batch
from tests.browser.conftest import assert_fits_the_screen

pytestmark = pytest.mark.browser


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def phone(request, new_page):
    return new_page(request.param)


def submit_quiz(page, score: str) -> None:
    """Send the quiz form; its result page shows `score`."""
    with page.expect_navigation(url="**/attempts/*"):
        page.get_by_role("button", name="Submit answers").click()
    expect(page.locator(".score")).to_contain_text(score)


def test_join_register_read_fail_pass_complete(world, sample_course, live_server, phone):
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "Workshop", "Hall", date(2026, 12, 1), world.kolkata.id
    )
    page = phone
    page.goto(f"{live_server}/join")
    page.get_by_label("Batch code").fill(batch.join_code.lower())
    with page.expect_navigation(url=f"**/join/{batch.join_code}"):
        page.get_by_role("button", name="Continue").click()
    page.get_by_label("Your name").fill("রিনা দাস")
    page.get_by_label("Mobile number").fill("98765 43210")
    page.get_by_label("Choose a password").fill("rina-secret")
    page.get_by_label("Password again").fill("rina-secret")
    with page.expect_navigation(url=f"{live_server}/courses/safe-accounts/"):
        page.get_by_role("button", name="Register and join").click()
    expect(page.locator("main")).to_contain_text("0% done")

    with page.expect_navigation():
        page.get_by_role("link", name="Passwords").click()
    submit_quiz(page, "Not passed: 0%")  # nothing answered

    expect(page.get_by_text("You have 2 more tries at this quiz.")).to_be_visible()
    with page.expect_navigation():
        page.get_by_role("link", name="Try again").click()
    page.get_by_label("Turning on two-step verification").check()
    page.get_by_label("A long passphrase used nowhere else").check()
    page.get_by_label("Check where it first appeared").check()
    page.get_by_label("Your answer", exact=True).fill("  Schedule ")
    page.get_by_label("Your answer (a number)").fill("৪২")
    submit_quiz(page, "Passed: 100%")

    with page.expect_navigation():
        page.get_by_role("link", name="Next lesson: Phishing").click()
    page.get_by_label("No", exact=True).check()
    submit_quiz(page, "Passed: 100%")
    expect(page.get_by_text("You have completed this course.")).to_be_visible()

    with page.expect_navigation():
        page.get_by_role("link", name="Course complete: what happens now").click()
    expect(page.get_by_text("A cell head of your area issues your certificate.")).to_be_visible()
    assert_fits_the_screen(page)
    with page.expect_navigation():
        page.get_by_role("link", name="নিরাপদ অ্যাকাউন্ট").click()
    expect(page.locator("main")).to_contain_text("100% done")
    expect(page.locator("main")).to_contain_text("Completed")
    assert_fits_the_screen(page)
