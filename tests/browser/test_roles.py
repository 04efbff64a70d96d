"""Real Chromium (Playwright, /usr/bin/chromium): each role signs in and sees its home page,
on a 360 px wide phone screen with JavaScript disabled."""

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


HOME_MARKERS = {
    "sahayak": "Join a batch with the code from your trainer",
    "trainer": "See the sahayaks in your area",
    "cell_head": "Register people from a CSV file",
    "admin": "See and manage everyone",
}


@pytest.mark.parametrize("role", ["sahayak", "trainer", "cell_head", "admin"])
def test_each_role_signs_in_and_sees_its_home_page(role, world, live_server, phone_page):
    user = {"sahayak": world.sahayak_kol, "trainer": world.trainer_kol, "cell_head": world.head_kol}.get(
        role, world.admin
    )
    page = phone_page
    page.goto(f"{live_server}/")
    assert page.url.startswith(f"{live_server}/login")
    page.get_by_label("Mobile number").fill(f"+91 {user.phone[:5]} {user.phone[5:]}")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/")
    assert page.get_by_role("heading", level=1).inner_text() == f"Welcome, {user.name}"
    assert HOME_MARKERS[role] in page.content()
    # Nothing sticks out sideways on a 360 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{live_server}/login")


def test_language_switch_works_without_javascript(live_server, phone_page):
    page = phone_page
    page.goto(f"{live_server}/login")
    page.get_by_role("button", name="বাংলা").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "bn"
    assert page.get_by_role("heading", level=1).inner_text() == "সাইন ইন"
