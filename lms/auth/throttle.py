"""Per-number sign-in throttling that slows guessing without locking the owner out.

After a day's free failures for a number (from every address together), each further
failure makes the number wait before it can be tried again, the wait doubling up to a cap.
Browsers where the number signed in before carry a mark (a cookie) and never wait: whoever
guesses can delay a number on new phones, never on its owner's own. Counts live in the
limiter's storage, shared by every worker and instance (the database, or Redis)."""

import hashlib
import hmac
import math
import time

from flask import Request, Response, current_app
from limits import parse
from limits.storage import MemoryStorage

from lms.extensions import limiter

KNOWN_COOKIE = "lms_known"
KNOWN_KEPT = 5  # numbers remembered per browser (a shared family phone)
KNOWN_DAYS = 365


FALLBACK_SECONDS = 30  # counting in this process this long before asking the shared storage again


class TooManyTries(Exception):
    """A sign-in budget (per number and address, or per address) is spent for now."""


def take_try(phone: str, address: str) -> list[tuple[str, int]]:
    """A place for one password check in both budgets, LOGIN_LIMIT_PER_NUMBER_AND_ADDRESS and
    LOGIN_LIMIT_PER_ADDRESS, taken before the password is checked (one atomic increment each,
    shared by every worker): tries sent at the same moment never pass a budget, as a test
    first and a count afterwards let them. Returns what was taken, for `give_back` when the
    try turns out not to count; raises TooManyTries (giving everything back) when spent."""
    config = current_app.config
    budgets = [
        (config["LOGIN_LIMIT_PER_NUMBER_AND_ADDRESS"], f"{phone}:{address}"),
        (config["LOGIN_LIMIT_PER_ADDRESS"], address),
    ]
    taken = []
    for limit, who in budgets:
        item = parse(limit)
        key, seconds = _key("tries", f"{item.amount}/{item.get_expiry()}/{who}"), item.get_expiry()
        count = _counters("incr", key, seconds)
        taken.append((key, seconds))
        if count > item.amount:
            give_back(taken)
            raise TooManyTries
    return taken


def give_back(taken: list[tuple[str, int]]) -> None:
    """Return the places `take_try` took: the try did not count (a right password, a wait)."""
    for key, seconds in taken:
        if _counters("get", key) > 0:  # a window that ended meanwhile starts at 0, never below
            _counters("incr", key, seconds, -1)


def wait_seconds(phone: str) -> int:
    """How long the number must wait before another try from a browser it is not known on."""
    key = _key("wait", phone)
    if not _counters("get", key):
        return 0
    return max(1, math.ceil(_counters("get_expiry", key) - time.time()))


def count_failure(phone: str) -> None:
    """Count a wrong password; beyond the free ones, start the next (longer) wait."""
    config = current_app.config
    failures = _counters("incr", _key("failures", phone), int(config["LOGIN_FAILURE_WINDOW_SECONDS"]))
    beyond = failures - int(config["LOGIN_FREE_FAILURES_PER_NUMBER"])
    if beyond > 0:
        doubled = int(config["LOGIN_FIRST_WAIT_SECONDS"]) * 2 ** min(beyond - 1, 20)
        _counters("incr", _key("wait", phone), min(doubled, int(config["LOGIN_LONGEST_WAIT_SECONDS"])))


def _counters(method: str, *args):
    """A call on the limiter's shared storage; while it does not answer (Redis down), on this
    process's own counters instead, asking the shared one again every FALLBACK_SECONDS: a
    sign-in must never fail because the counters are away (Flask-Limiter's own limits fall
    back the same way, RATELIMIT_IN_MEMORY_FALLBACK_ENABLED)."""
    state = current_app.extensions.setdefault("lms.throttle_fallback", {"until": 0.0, "memory": None})
    if time.monotonic() >= state["until"]:
        storage = limiter.storage
        try:
            return getattr(storage, method)(*args)
        except storage.base_exceptions:
            current_app.logger.warning(
                "rate-limit storage unreachable: counting sign-in failures in this process for %d s",
                FALLBACK_SECONDS,
                exc_info=True,
            )
            state["until"] = time.monotonic() + FALLBACK_SECONDS
    if state["memory"] is None:
        state["memory"] = MemoryStorage()
    return getattr(state["memory"], method)(*args)


def _key(kind: str, phone: str) -> str:
    """A storage key of this site's (several sites may share one Redis)."""
    return f"{current_app.config.get('RATELIMIT_KEY_PREFIX', '')}/sign-in-{kind}/{phone}"


def known_here(request: Request, phone: str) -> bool:
    """Whether the number signed in on this browser before."""
    return _mark(phone) in _marks(request)


def remember(request: Request, response: Response, phone: str) -> None:
    """Mark this browser as one the number signs in on (the newest KNOWN_KEPT numbers)."""
    mine = _mark(phone)
    marks = [mine, *(mark for mark in _marks(request) if mark != mine)][:KNOWN_KEPT]
    response.set_cookie(
        KNOWN_COOKIE,
        ".".join(marks),
        max_age=KNOWN_DAYS * 86400,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )


def _marks(request: Request) -> list[str]:
    return request.cookies.get(KNOWN_COOKIE, "").split(".")[:KNOWN_KEPT]


def _mark(phone: str) -> str:
    """A keyed hash of the number: unforgeable, and the cookie shows no phone number."""
    key = (
        current_app.secret_key.encode() if isinstance(current_app.secret_key, str) else current_app.secret_key
    )
    return hmac.new(key, b"known-browser:" + phone.encode(), hashlib.sha256).hexdigest()[:32]
