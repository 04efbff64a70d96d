"""Real Chromium: a trainer edits a lesson, previews it, sees a line-numbered problem,
fixes it and publishes, with JavaScript off on a phone-sized screen."""

import re

import pytest
from playwright.sync_api import expect

from lms.courses.models import CourseVersion
from lms.extensions import db
from tests.browser.conftest import assert_fits_the_screen, sign_in
from tests.conftest import PASSWORD
from tests.courses.test_web import own

pytestmark = pytest.mark.browser


def once(text: str) -> re.Pattern:
    """A pattern for a value holding `text` exactly once (in JavaScript's syntax too)."""
    found = re.escape(text)
    return re.compile(rf"^(?![\s\S]*{found}[\s\S]*{found})[\s\S]*{found}")


def test_trainer_edits_previews_fixes_and_publishes(world, sample_course, live_server, phone_page):
    own(world, sample_course)
    page = phone_page
    sign_in(page, live_server, world.trainer_kol.phone, PASSWORD)
    page.goto(f"{live_server}/courses/safe-accounts/versions")
    with page.expect_navigation():
        page.get_by_role("link", name="02-phishing.md").click()
    editor = page.get_by_label("Markdown")
    expect(editor).to_have_value(re.compile(re.escape("Links can lie.")))
    text = editor.input_value()

    editor.fill(
        text.replace("- [x] No", "- [ ] No").replace("Links can lie.", "Links can lie. Always check.")
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()
    problem = page.get_by_role("alert")
    expect(problem).to_contain_text("02-phishing.md:7")
    expect(problem).to_contain_text("mark at least one option right")
    expect(page.locator("#line-7.bad")).to_have_count(1)
    expect(page.locator(".preview")).to_contain_text("Always check.")

    with page.expect_navigation():
        page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Not published")).to_be_visible()
    expect(page.get_by_label("Markdown")).to_have_value(once("Always check."))  # the draft was kept

    fixed = page.get_by_label("Markdown").input_value().replace("- [ ] No", "- [x] No")
    page.get_by_label("Markdown").fill(fixed)
    with page.expect_navigation():
        page.get_by_role("button", name="Preview").click()
    expect(page.locator(".preview")).to_contain_text("Always check.")  # the new preview is here
    expect(page.get_by_role("alert")).to_have_count(0)
    with page.expect_navigation(url=f"{live_server}/courses/safe-accounts/versions"):
        page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published version 2.")).to_be_visible()
    assert_fits_the_screen(page)

    page.goto(f"{live_server}/courses/safe-accounts/lessons/phishing")
    expect(page.locator("article")).to_contain_text("Always check.")
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
    with page.expect_navigation(url=f"{live_server}/courses/safe-accounts/review"):
        page.get_by_role("button", name="Upload and check").click()
    expect(page.locator("main")).to_contain_text("01-passwords.md")
    expect(page.get_by_role("alert")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="Publish these changes").click()
    expect(page.get_by_text("1 sahayak passed safe-password in an earlier version.")).to_be_visible()
    page.get_by_label("Ask them to take it again (their completions and certificates stay)").check()
    with page.expect_navigation(url=f"{live_server}/courses/safe-accounts/versions"):
        page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Published version 2.")).to_be_visible()
    expect(page.locator("main")).to_contain_text("everyone asked to take it again")
    assert_fits_the_screen(page)
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
