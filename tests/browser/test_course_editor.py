"""Real Chromium: a trainer edits a lesson, previews it, sees a line-numbered problem,
fixes it and publishes, with JavaScript off on a phone-sized screen."""

import pytest

from lms.courses.models import CourseVersion
from lms.extensions import db
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_trainer_edits_previews_fixes_and_publishes(world, sample_course, live_server, phone_page):
    page = phone_page
    sign_in(page, live_server, world.trainer_kol.phone, PASSWORD)
    page.goto(f"{live_server}/courses/safe-accounts/versions")
    page.get_by_role("link", name="02-phishing.md").click()
    editor = page.get_by_label("Markdown")
    text = editor.input_value()
    assert "Links can lie." in text

    editor.fill(
        text.replace("- [x] No", "- [ ] No").replace("Links can lie.", "Links can lie. Always check.")
    )
    page.get_by_role("button", name="Preview").click()
    problem = page.get_by_role("alert")
    assert (
        "02-phishing.md:7" in problem.inner_text()
        and "mark at least one option right" in problem.inner_text()
    )
    assert page.locator("#line-7.bad").count() == 1
    assert "Always check." in page.locator(".preview").inner_text()

    page.get_by_role("button", name="Publish").click()
    assert "Not published" in page.content()
    assert page.get_by_label("Markdown").input_value().count("Always check.") == 1  # the draft was kept

    fixed = page.get_by_label("Markdown").input_value().replace("- [ ] No", "- [x] No")
    page.get_by_label("Markdown").fill(fixed)
    page.get_by_role("button", name="Preview").click()
    assert page.get_by_role("alert").count() == 0
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"{live_server}/courses/safe-accounts/versions")
    assert "Published version 2." in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.goto(f"{live_server}/courses/safe-accounts/lessons/phishing")
    assert "Always check." in page.locator("article").inner_text()
    db.session.expire_all()
    assert [v.number for v in db.session.execute(db.select(CourseVersion)).scalars()] == [1, 2]
