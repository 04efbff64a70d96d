"""Waiting in tests: look at a condition again and again until it holds, never sleep a fixed
time. A fixed sleep is too short on a busy machine and too long on an idle one; a wait on the
condition is as short as it can be and gives up with a message saying what never happened.

`wait_until` is the one way the tests wait for something outside the test's own thread: a job
worker's progress, a server answering, a log line, a file. tests/test_waiting.py fails on any
other sleep in tests/ (and on browser tests that read a page without waiting for it)."""

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

INTERVAL = 0.05  # seconds between two looks: short, so a wait ends soon after the condition holds


def wait_until(
    condition: Callable[[], T],
    timeout: float = 30.0,
    message: str = "the condition",
    *,
    interval: float = INTERVAL,
    ignoring: tuple[type[BaseException], ...] = (),
    details: Callable[[], str] | None = None,
) -> T:
    """Call `condition()` until it returns something true, and return that value.

    Gives up after `timeout` seconds (the condition is always looked at once more at the end)
    with an AssertionError naming `message` (what was awaited) and how long it was awaited,
    followed by `details()` (a server's log, say) when given. Exceptions of the `ignoring`
    types count as "not yet" (a server not listening yet); any other exception ends the wait."""
    started = time.monotonic()
    deadline = started + timeout
    last_error: BaseException | None = None
    while True:
        try:
            value = condition()
        except ignoring as error:
            value, last_error = None, error
        if value:
            return value
        if time.monotonic() >= deadline:
            break
        # The only sleep in tests/: a pause between two looks at the condition, never a wait
        # for something to have happened.
        time.sleep(interval)
    text = f"waited {time.monotonic() - started:.1f} s (timeout {timeout} s) for {message}: it never happened"
    if last_error is not None:
        text += f"\nlast error: {last_error!r}"
    if details is not None:
        text += f"\n{details()}"
    raise AssertionError(text)
