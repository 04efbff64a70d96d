"""Real Chromium: a cell head issues certificates to a batch, a sahayak downloads theirs,
an anonymous visitor verifies it, then sees it revoked."""

from datetime import date
from pathlib import Path

import pytest

from lms.batches.services import create_batch, join
from lms.certificates.models import Certificate
from lms.extensions import db
from tests.browser.conftest import sign_in
from tests.certificates.conftest import complete
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_issue_download_verify_revoke(world, sample_course, live_server, browser):
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "Workshop", "", date(2026, 12, 1), world.kolkata.id
    )
    join(world.sahayak_kol, batch)
    complete(world.sahayak_kol, sample_course)
    phone = {
        "viewport": {"width": 360, "height": 640},
        "java_script_enabled": False,
        "accept_downloads": True,
    }

    head = browser.new_context(**phone).new_page()
    sign_in(head, live_server, world.head_kol.phone, PASSWORD)
    head.goto(f"{live_server}/batches/{batch.id}")
    head.get_by_role("link", name="Certificates for this batch").click()
    assert "Sahayak Kolkata" in head.content()
    head.get_by_role("button", name="Issue to all 1 shown").click()
    assert "1 certificate issued." in head.content()
    cert = db.session.execute(db.select(Certificate)).scalar_one()

    learner = browser.new_context(**phone).new_page()
    sign_in(learner, live_server, world.sahayak_kol.phone, PASSWORD)
    learner.goto(f"{live_server}/certificates/")
    with learner.expect_download() as download:
        learner.get_by_role("link", name="নিরাপদ অ্যাকাউন্ট").click()
    assert download.value.suggested_filename == f"{cert.serial}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    visitor = browser.new_context(**phone).new_page()
    visitor.goto(f"{live_server}/verify")
    visitor.get_by_label("Verification code").fill(
        f"{cert.code[:5].lower()}-{cert.code[5:10]} {cert.code[10:]}"
    )
    visitor.get_by_role("button", name="Check").click()
    assert "This certificate is valid." in visitor.content() and "Sahayak Kolkata" in visitor.content()

    head.goto(f"{live_server}/certificates/{cert.code}/revoke")
    head.get_by_label("Why, as anyone checking it will read").select_option("error")
    head.get_by_label("In your words (seen by staff only)").fill("Issued to the wrong person")
    head.get_by_role("button", name="Revoke").click()
    assert f"Certificate {cert.serial} revoked." in head.content()

    visitor.reload()
    assert "This certificate was revoked on" in visitor.content() and "issued in error" in visitor.content()
    assert "Issued to the wrong person" not in visitor.content()
    for page in (head, learner, visitor):
        page.context.close()


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_issuing_to_several_asks_first(world, sample_course, live_server, browser, make_user, javascript):
    other = make_user(region=world.booth, name="Second Graduate")
    for person in (world.sahayak_kol, other):
        complete(person, sample_course)
    page = browser.new_context(
        viewport={"width": 360, "height": 640}, java_script_enabled=javascript
    ).new_page()
    sign_in(page, live_server, world.head_kol.phone, PASSWORD)
    page.goto(f"{live_server}/certificates/")
    page.get_by_role("button", name="Issue to all 2 shown").click()
    assert page.get_by_role("heading", name="Issue 2 certificates?").is_visible()
    assert "Second Graduate" in page.content() and db.session.execute(db.select(Certificate)).first() is None
    page.get_by_role("link", name="Cancel").click()
    assert db.session.execute(db.select(Certificate)).first() is None
    page.get_by_role("button", name="Issue to all 2 shown").click()
    page.get_by_role("button", name="Yes, issue 2 certificates").click()
    assert "2 certificates issued." in page.content()
    assert db.session.execute(db.select(db.func.count(Certificate.id))).scalar() == 2
