"""Real Chromium: a new person joins a batch with its code, registers, reads the lessons,
fails then passes a quiz and sees the course complete; with JavaScript on and off."""

from datetime import date

import pytest

from lms.batches.services import create_batch

pytestmark = pytest.mark.browser


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def phone(request, browser):
    context = browser.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=request.param)
    page = context.new_page()
    yield page
    context.close()


def submit_quiz(page):
    page.get_by_role("button", name="Submit answers").click()
    page.wait_for_url("**/attempts/*")
    return page.locator(".score").inner_text()


def test_join_register_read_fail_pass_complete(world, sample_course, live_server, phone):
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "Workshop", "Hall", date(2026, 12, 1), world.kolkata.id
    )
    page = phone
    page.goto(f"{live_server}/join")
    page.get_by_label("Batch code").fill(batch.join_code.lower())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"**/join/{batch.join_code}")
    page.get_by_label("Your name").fill("রিনা দাস")
    page.get_by_label("Mobile number").fill("98765 43210")
    page.get_by_label("Choose a password").fill("rina-secret")
    page.get_by_label("Password again").fill("rina-secret")
    page.get_by_role("button", name="Register and join").click()
    page.wait_for_url(f"{live_server}/courses/safe-accounts/")
    assert "0% done" in page.content()

    page.get_by_role("link", name="Passwords").click()
    assert "Not passed: 0%" in submit_quiz(page)  # nothing answered

    assert "You have 2 more tries at this quiz." in page.content()
    page.get_by_role("link", name="Try again").click()
    page.get_by_label("Turning on two-step verification").check()
    page.get_by_label("A long passphrase used nowhere else").check()
    page.get_by_label("Check where it first appeared").check()
    page.get_by_label("Your answer", exact=True).fill("  Schedule ")
    page.get_by_label("Your answer (a number)").fill("৪২")
    assert "Passed: 100%" in submit_quiz(page)

    page.get_by_role("link", name="Next lesson: Phishing").click()
    page.get_by_label("No", exact=True).check()
    assert "Passed: 100%" in submit_quiz(page)
    assert "You have completed this course." in page.content()

    page.get_by_role("link", name="Course complete: what happens now").click()
    assert "A cell head of your area issues your certificate." in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("link", name="নিরাপদ অ্যাকাউন্ট").click()
    assert "100% done" in page.content() and "Completed" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
