"""Real Chromium: a cell head opens the dashboard, drills down to a constituency, exports a CSV."""

from pathlib import Path

import pytest

from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_drill_down_and_export(world, live_server, browser, make_user):
    constituency = world.booth.parent
    for _ in range(3):
        make_user(region=world.booth)
    page = browser.new_context(
        viewport={"width": 360, "height": 640}, java_script_enabled=False, accept_downloads=True
    ).new_page()
    sign_in(page, live_server, world.head_kol.phone, PASSWORD)
    page.get_by_role("link", name="Dashboard").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Kolkata"
    assert page.locator("svg.chart title").count() >= 1
    page.get_by_role("link", name=constituency.name, exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == constituency.name
    assert "<dd>4</dd>" in page.content()  # the Kolkata sahayak and three more in its booth
    with page.expect_download() as download:
        page.get_by_role("link", name="Sahayaks and their progress (CSV)").click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("name,phone,region_path") and len(lines) == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.context.close()
