"""Real Chromium: a trainer edits a lesson, previews it, sees a line-numbered problem,
fixes it and publishes, with JavaScript off on a phone-sized screen."""

import pytest

from lms.courses.models import CourseVersion
from lms.extensions import db
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.courses.test_web import own

pytestmark = pytest.mark.browser


def test_trainer_edits_previews_fixes_and_publishes(world, sample_course, live_server, phone_page):
    own(world, sample_course)
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


def test_trainer_uploads_reviews_and_decides_about_passes(
    world, sample_course, live_server, phone_page, tmp_path
):
    from lms.courses.models import Quiz
    from tests.courses.samples import LESSON_ONE, course_files
    from tests.courses.test_web import make_zip
    from tests.learning.quizzing import complete_course

    learner = live_server_client(world)
    complete_course(learner)
    own(world, sample_course)
    archive = tmp_path / "course.zip"
    archive.write_bytes(
        make_zip(course_files(**{"01-passwords.md": LESSON_ONE.replace("= 42 +- 0", "= 42 +- 1")}), folder="")
    )
    page = phone_page
    sign_in(page, live_server, world.trainer_kol.phone, PASSWORD)
    page.goto(f"{live_server}/courses/upload")
    page.get_by_label("Course archive (.zip)").set_input_files(str(archive))
    page.get_by_label("Course it updates").select_option("safe-accounts")
    page.get_by_role("button", name="Upload and check").click()
    page.wait_for_url(f"{live_server}/courses/safe-accounts/review")
    assert "01-passwords.md" in page.content() and page.get_by_role("alert").count() == 0
    page.get_by_role("button", name="Publish these changes").click()
    assert "1 sahayak passed safe-password in an earlier version." in page.content()
    page.get_by_label("Ask them to take it again (their completions and certificates stay)").check()
    page.get_by_role("button", name="Publish").click()
    page.wait_for_url(f"{live_server}/courses/safe-accounts/versions")
    assert "Published version 2." in page.content() and "everyone asked to take it again" in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    db.session.expire_all()
    rounds = db.session.execute(db.select(Quiz.key, Quiz.round).order_by(Quiz.id.desc()).limit(2)).all()
    assert dict(rounds) == {"safe-password": 2, "phishing": 1}


def live_server_client(world):
    """The Kolkata sahayak, signed in through the app's test client."""
    from flask import current_app

    from tests.conftest import AuthActions

    client = current_app.test_client()
    AuthActions(client).login(world.sahayak_kol)
    return client
