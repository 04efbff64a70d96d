"""A live server and a phone-sized Chromium for browser tests.

The tests wait for what they check: they assert with Playwright's `expect`, which looks again
until the page shows what is expected or EXPECT_TIMEOUT passes, and every click that loads a
page waits for that page (`with page.expect_navigation(...)`). A page read straight after a
click (`page.content()`, `.inner_text()` in an assert) may be the old page, or none at all
while the browser is between two: tests/test_waiting.py fails on such reads."""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

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
PHONE = {"width": 360, "height": 640}  # a cheap Android phone's screen
# How long an `expect` looks again before it fails: long enough for a busy CI machine (`make
# test-stress` runs these tests beside a CPU hog), never reached when the page is right.
EXPECT_TIMEOUT = 20_000  # milliseconds

expect.set_options(timeout=EXPECT_TIMEOUT)


@pytest.fixture
def live_server(app):
    """Serve the test app on a free local port in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    assert CHROMIUM.exists(), "Chromium is missing: run scripts/system-deps test (apt-get install chromium)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Open pages on a phone-sized screen, each in a browser of its own (its own cookies),
    JavaScript off unless asked; all closed after the test."""
    contexts = []

    def open_page(javascript: bool = False, **options):
        context = browser.new_context(viewport=PHONE, java_script_enabled=javascript, **options)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def phone_page(new_page):
    """A page the size of a cheap Android phone, with JavaScript off."""
    return new_page()


def sign_in(page, base: str, phone: str, password: str) -> None:
    """Sign in through the real form; return once the home page has loaded."""
    page.goto(f"{base}/login")
    page.get_by_label("Mobile number").fill(phone)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation(url=f"{base}/"):
        page.get_by_role("button", name="Sign in").click()


def layout(page, script: str):
    """A measurement of the page's layout (a JavaScript expression), taken once the page and
    its stylesheet have loaded: before that, boxes have no styles and other sizes."""
    page.wait_for_load_state("load")
    return page.evaluate(script)


def assert_fits_the_screen(page) -> None:
    """Nothing sticks out sideways on the phone's screen."""
    width = layout(page, "document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px screen"
