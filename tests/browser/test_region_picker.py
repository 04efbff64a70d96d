"""Real Chromium, JavaScript off and on: a trainer starts a batch choosing its region by name
(a few letters, Find, a radio button), never typing a code."""

import re

import pytest
from playwright.sync_api import expect

from lms.batches.models import Batch
from lms.extensions import db
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_batch_region_is_picked_by_name(
    world, sample_course, live_server, new_page, make_region, javascript
):
    make_region("B-KOL-2", parent=world.booth.parent, kind="booth", name="Mitra Institution")
    page = new_page(javascript)
    sign_in(page, live_server, world.trainer_kol.phone, PASSWORD)
    page.goto(f"{live_server}/batches/new")
    page.get_by_label("Batch name").fill("Mitra batch")
    page.get_by_label("Date").fill("2026-12-01")
    page.get_by_placeholder("Find a region by name or code").fill("mitra")
    with page.expect_navigation(url=f"{live_server}/batches/new"):
        page.get_by_role("button", name="Find").click()
    expect(page.get_by_label("Mitra Institution")).to_be_visible()  # the form again, with the matches
    assert db.session.execute(db.select(Batch)).first() is None
    expect(page.get_by_label("Batch name")).to_have_value("Mitra batch")  # kept across Find
    page.get_by_label("Mitra Institution").check()
    with page.expect_navigation(url=re.compile(rf"^{re.escape(live_server)}/batches/\d+$")):
        page.get_by_role("button", name="Create the batch").click()
    expect(page.get_by_text("Batch created.")).to_be_visible()
    batch = db.session.execute(db.select(Batch)).scalar_one()
    assert (batch.name, batch.region.code) == ("Mitra batch", "B-KOL-2")
