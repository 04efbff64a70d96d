"""Real Chromium: a cell head issues certificates to a batch, a sahayak downloads theirs,
an anonymous visitor verifies it, then sees it revoked."""

from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import expect

from lms.batches.services import create_batch, join
from lms.certificates.models import Certificate
from lms.extensions import db
from tests.browser.conftest import sign_in
from tests.certificates.conftest import complete
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_issue_download_verify_revoke(world, sample_course, live_server, new_page):
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "Workshop", "", date(2026, 12, 1), world.kolkata.id
    )
    join(world.sahayak_kol, batch)
    complete(world.sahayak_kol, sample_course)

    head = new_page(accept_downloads=True)
    sign_in(head, live_server, world.head_kol.phone, PASSWORD)
    head.goto(f"{live_server}/batches/{batch.id}")
    with head.expect_navigation():
        head.get_by_role("link", name="Certificates for this batch").click()
    expect(head.locator("main")).to_contain_text("Sahayak Kolkata")
    with head.expect_navigation():
        head.get_by_role("button", name="Issue to all 1 shown").click()
    expect(head.get_by_text("1 certificate issued.")).to_be_visible()
    cert = db.session.execute(db.select(Certificate)).scalar_one()

    learner = new_page(accept_downloads=True)
    sign_in(learner, live_server, world.sahayak_kol.phone, PASSWORD)
    learner.goto(f"{live_server}/certificates/")
    with learner.expect_download() as download:
        learner.get_by_role("link", name="নিরাপদ অ্যাকাউন্ট").click()
    assert download.value.suggested_filename == f"{cert.serial}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    visitor = new_page(accept_downloads=True)
    visitor.goto(f"{live_server}/verify")
    visitor.get_by_label("Verification code").fill(
        f"{cert.code[:5].lower()}-{cert.code[5:10]} {cert.code[10:]}"
    )
    with visitor.expect_navigation():
        visitor.get_by_role("button", name="Check").click()
    expect(visitor.get_by_text("This certificate is valid.")).to_be_visible()
    expect(visitor.locator("main")).to_contain_text("Sahayak Kolkata")

    head.goto(f"{live_server}/certificates/{cert.code}/revoke")
    head.get_by_label("Why, as anyone checking it will read").select_option("error")
    head.get_by_label("In your words (seen by staff only)").fill("Issued to the wrong person")
    with head.expect_navigation():
        head.get_by_role("button", name="Revoke").click()
    expect(head.get_by_text(f"Certificate {cert.serial} revoked.")).to_be_visible()

    reloaded = visitor.reload()  # returns once the page has loaded, with its answer
    expect(visitor.get_by_text("This certificate was revoked on")).to_be_visible()
    expect(visitor.locator("main")).to_contain_text("issued in error")
    assert "Issued to the wrong person" not in reloaded.text()  # anywhere in the page, tags too


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_issuing_to_several_asks_first(world, sample_course, live_server, new_page, make_user, javascript):
    other = make_user(region=world.booth, name="Second Graduate")
    for person in (world.sahayak_kol, other):
        complete(person, sample_course)
    page = new_page(javascript)
    sign_in(page, live_server, world.head_kol.phone, PASSWORD)
    page.goto(f"{live_server}/certificates/")
    with page.expect_navigation():
        page.get_by_role("button", name="Issue to all 2 shown").click()
    expect(page.get_by_role("heading", name="Issue 2 certificates?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Second Graduate")
    assert db.session.execute(db.select(Certificate)).first() is None
    with page.expect_navigation():
        page.get_by_role("link", name="Cancel").click()
    expect(page.get_by_role("button", name="Issue to all 2 shown")).to_be_visible()
    assert db.session.execute(db.select(Certificate)).first() is None
    with page.expect_navigation():
        page.get_by_role("button", name="Issue to all 2 shown").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, issue 2 certificates").click()
    expect(page.get_by_text("2 certificates issued.")).to_be_visible()
    assert db.session.execute(db.select(db.func.count(Certificate.id))).scalar() == 2
