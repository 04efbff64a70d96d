"""Real Chromium (Playwright, /usr/bin/chromium): each role signs in and sees its home page,
on a 360 px wide phone screen with JavaScript disabled."""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from tests.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
# Flags that keep Chromium from calling home on a machine without internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(app):
    """Serve the test app on a free local port in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), "Chromium is missing: run scripts/system-deps test (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone_page(browser):
    """A page the size of a cheap Android phone, with JavaScript off."""
    context = browser.new_context(viewport={"width": 360, "height": 640}, java_script_enabled=False)
    page = context.new_page()
    yield page
    context.close()


HOME_MARKERS = {
    "sahayak": "Your trainer will give you a batch code",
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
