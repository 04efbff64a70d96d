"""Real Chromium, JavaScript off and on: a trainer starts a batch choosing its region by name
(a few letters, Find, a radio button), never typing a code."""

import pytest

from lms.batches.models import Batch
from lms.extensions import db
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [False, True], ids=["no-js", "js"])
def test_a_batch_region_is_picked_by_name(
    world, sample_course, live_server, browser, make_region, javascript
):
    make_region("B-KOL-2", parent=world.booth.parent, kind="booth", name="Mitra Institution")
    page = browser.new_context(
        viewport={"width": 360, "height": 640}, java_script_enabled=javascript
    ).new_page()
    sign_in(page, live_server, world.trainer_kol.phone, PASSWORD)
    page.goto(f"{live_server}/batches/new")
    page.get_by_label("Batch name").fill("Mitra batch")
    page.get_by_label("Date").fill("2026-12-01")
    page.get_by_placeholder("Find a region by name or code").fill("mitra")
    page.get_by_role("button", name="Find").click()
    assert db.session.execute(db.select(Batch)).first() is None
    assert page.get_by_label("Batch name").input_value() == "Mitra batch"  # kept across Find
    page.get_by_label("Mitra Institution").check()
    page.get_by_role("button", name="Create the batch").click()
    assert "Batch created." in page.content()
    batch = db.session.execute(db.select(Batch)).scalar_one()
    assert (batch.name, batch.region.code) == ("Mitra batch", "B-KOL-2")
