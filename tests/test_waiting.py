"""Tests wait for what they check (issue 34): a read of a page straight after a click may see
the old page, or none while the browser is between two; a fixed sleep is too short on a busy
machine. These checks read the tests' own source (no browser needed): browser tests assert
with Playwright's `expect`, and nothing in tests/ sleeps but tests/waiting.py's wait_until."""

import ast
import re
import time
from pathlib import Path

import pytest

from tests.waiting import wait_until

TESTS = Path(__file__).resolve().parent
BROWSER_TESTS = TESTS / "browser"
WAITING = TESTS / "waiting.py"

# Reads of a page that answer at once, whatever the page is doing: in an assert they check
# whatever is there at that moment. `expect(locator).to_have_text(...)`, `to_have_value`,
# `to_be_visible`, `to_have_count`, `expect(page).to_have_url(...)` wait instead.
SNAPSHOTS = {
    "inner_text": "expect(locator).to_have_text / to_contain_text",
    "text_content": "expect(locator).to_have_text / to_contain_text",
    "inner_html": "expect(locator).to_contain_text",
    "all_inner_texts": "expect(locator).to_have_text([...])",
    "all_text_contents": "expect(locator).to_have_text([...])",
    "input_value": "expect(locator).to_have_value",
    "get_attribute": "expect(locator).to_have_attribute",
    "is_visible": "expect(locator).to_be_visible",
    "is_hidden": "expect(locator).to_be_hidden",
    "is_checked": "expect(locator).to_be_checked",
    "is_enabled": "expect(locator).to_be_enabled",
    "is_disabled": "expect(locator).to_be_disabled",
    "is_editable": "expect(locator).to_be_editable",
    "count": "expect(locator).to_have_count",
    "all": "expect(locator).to_have_count",
    "evaluate": "tests/browser/conftest.py's layout(), which waits for the page to load",
}
SLEEPS = {"sleep", "wait_for_timeout"}  # time.sleep, asyncio.sleep, Playwright's page.wait_for_timeout


def unwaited_page_reads(path: Path) -> list[str]:
    """Each place in a browser test that checks a page without waiting for it: file:line and why."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if _method_call(node) == "content" and not node.args and not node.keywords:
            found.append(
                f"{path}:{node.lineno}: page.content() reads the page as it is at that moment "
                "(after a click: maybe still the old page, or nothing): use expect(...)"
            )
        if isinstance(node, ast.Assert):
            for inner in ast.walk(node.test):
                name = _method_call(inner)
                if name in SNAPSHOTS and not (name == "count" and inner.args):  # str.count(x) is fine
                    found.append(
                        f"{path}:{inner.lineno}: .{name}() in an assert does not wait: use {SNAPSHOTS[name]}"
                    )
                elif isinstance(inner, ast.Attribute) and inner.attr == "url":
                    found.append(
                        f"{path}:{inner.lineno}: .url in an assert does not wait: use expect(page).to_have_url"
                    )
    return sorted(found, key=_line_order)


def sleeps(path: Path) -> list[str]:
    """Each call of a sleep in a test file: file:line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return sorted(
        (
            f"{path}:{node.lineno}: {_called(node)}() waits a fixed time: "
            "use tests.waiting.wait_until on the condition awaited"
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and _called(node) in SLEEPS
        ),
        key=_line_order,
    )


def _method_call(node: ast.AST) -> str | None:
    """The method's name if the node calls a method (`x.name(...)`)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _called(node: ast.Call) -> str | None:
    """The name a call calls: `sleep` for both `time.sleep(1)` and `sleep(1)`."""
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    if isinstance(node.func, ast.Name):
        return node.func.id
    return None


def _line_order(offence: str) -> tuple[str, int]:
    path, line, _ = offence.split(":", 2)
    return path, int(line)


def test_browser_tests_wait_for_what_they_check():
    files = sorted(BROWSER_TESTS.glob("*.py"))
    assert len(files) >= 8, files  # the checker looks where the browser tests are
    offences = [offence for path in files for offence in unwaited_page_reads(path)]
    assert offences == [], "\n".join(offences)


def test_nothing_in_the_tests_sleeps_but_wait_until():
    files = sorted(path for path in TESTS.rglob("*.py") if path != WAITING)
    assert len(files) >= 50, files
    offences = [offence for path in files for offence in sleeps(path)]
    assert offences == [], "\n".join(offences)


OFFENDING_BROWSER_TEST = """\
from playwright.sync_api import expect


def test_a_batch(page, live_server):
    page.get_by_role("button", name="Create the batch").click()
    assert "Batch created." in page.content()
    html = page.content()
    assert page.get_by_role("heading", level=1).inner_text() == "Kolkata"
    assert page.get_by_label("Batch name").input_value().count("Mitra") == 1
    assert page.locator("svg.chart title").count() >= 1
    assert page.url.startswith(live_server)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    expect(page.get_by_text("Batch created.")).to_be_visible()
    name = page.get_by_label("Batch name").input_value()  # read after a wait, outside an assert
    assert name.count("Mitra") == 1
"""


def test_the_page_read_check_names_each_offence_by_file_and_line(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(OFFENDING_BROWSER_TEST)
    found = unwaited_page_reads(sample)
    where = [
        (int(offence.split(":")[1]), re.search(r": (\.\w+|page\.content)", offence).group(1))
        for offence in found
    ]
    assert where == [
        (6, "page.content"),
        (7, "page.content"),
        (8, ".inner_text"),
        (9, ".input_value"),
        (10, ".count"),
        (11, ".url"),
        (12, ".evaluate"),
    ], found
    assert all(offence.startswith(f"{sample}:") for offence in found)


def test_the_sleep_check_names_each_sleep_by_file_and_line(tmp_path):
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "import time\nfrom time import sleep\n\n\n"
        "def test_slow(page):\n"
        "    time.sleep(3.5)\n"
        "    sleep(1)\n"
        "    page.wait_for_timeout(500)\n"
        "    assert 'sleep(' in 'a string mentioning sleep(1) is fine'\n"
    )
    assert [offence.split(": ", 1)[0] for offence in sleeps(sample)] == [
        f"{sample}:6",
        f"{sample}:7",
        f"{sample}:8",
    ]


def test_wait_until_returns_what_the_condition_returned_once_it_holds():
    answers = iter([None, 0, "", "ready"])
    assert wait_until(lambda: next(answers), timeout=5, interval=0.001) == "ready"


def test_wait_until_says_what_it_waited_for_and_how_long():
    started = time.monotonic()
    with pytest.raises(AssertionError) as failed:
        wait_until(
            lambda: False, timeout=0.2, message="the job to end", interval=0.01, details=lambda: "the log"
        )
    assert 0.2 <= time.monotonic() - started < 5
    assert re.fullmatch(
        r"waited 0\.\d s \(timeout 0\.2 s\) for the job to end: it never happened\nthe log", str(failed.value)
    ), failed.value


def test_wait_until_counts_the_errors_it_is_told_to_ignore_as_not_yet():
    tries = []

    def connect() -> bool:
        tries.append(1)
        if len(tries) < 3:
            raise ConnectionRefusedError("not listening yet")
        return True

    assert wait_until(connect, timeout=5, interval=0.001, ignoring=(OSError,)) is True

    def refused() -> bool:
        raise ConnectionRefusedError("not listening yet")

    with pytest.raises(AssertionError, match=r"last error: ConnectionRefusedError\('not listening yet'\)"):
        wait_until(refused, timeout=0.05, interval=0.001, ignoring=(OSError,))
    with pytest.raises(ZeroDivisionError):  # any other error ends the wait at once
        wait_until(lambda: 1 / 0, timeout=5, ignoring=(OSError,))
