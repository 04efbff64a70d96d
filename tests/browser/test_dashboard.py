"""Real Chromium: a cell head opens the dashboard, drills down to a constituency, exports a CSV."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_fits_the_screen, sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_drill_down_and_export(world, live_server, new_page, make_user):
    constituency = world.booth.parent
    for _ in range(3):
        make_user(region=world.booth)
    page = new_page(accept_downloads=True)
    sign_in(page, live_server, world.head_kol.phone, PASSWORD)
    with page.expect_navigation():
        page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kolkata")
    expect(page.locator("svg.chart title").first).to_be_attached()  # at least one bar
    with page.expect_navigation():
        page.get_by_role("link", name=constituency.name, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(constituency.name)
    registered = page.locator("dl.figures div").filter(has=page.locator("dt", has_text="Registered"))
    expect(registered.locator("dd")).to_have_text("4")  # the Kolkata sahayak and three more in its booth
    with page.expect_download() as download:
        page.get_by_role("link", name="Sahayaks and their progress (CSV)").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("name,phone,region_path") and len(lines) == 5
    assert_fits_the_screen(page)
