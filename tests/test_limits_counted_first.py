"""Limits are counted before the work (issue 25, finding 6): 40 wrong passwords sent at the same
moment to 4 gunicorn workers got 8 password checks where the limit is 5, because the limiter
tested first and counted afterwards. Each try now takes its place in the budget first.

Always on a SQLite file of its own, so both CI passes run the same test."""

import threading

import pytest

from tests.conftest import add_region, csrf_token_from
from tests.livehttp import Browser, add_people, seeding
from tests.servers import running

pytestmark = pytest.mark.live

WORKERS = 4
TRIES = 40
PHONE = "7400000000"


def test_wrong_passwords_sent_at_once_to_several_workers_are_checked_no_more_than_the_limit(tmp_path):
    settings = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'lms.sqlite3'}",
        "SECRET_KEY": "counted-first-secret",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "LOGIN_LIMIT_PER_NUMBER_AND_ADDRESS": "5 per 15 minutes",
    }
    with seeding(settings):
        add_people(1, int(PHONE), add_region("WB", kind="state"))
    with running(settings, tmp_path / "gunicorn.log", WORKERS) as server:
        browsers = [Browser() for _ in range(TRIES)]
        tokens = [csrf_token_from(browser.get(server.url + "/login").text) for browser in browsers]
        start_line, statuses = threading.Barrier(TRIES), []

        def guess(browser: Browser, token: str) -> None:
            start_line.wait(timeout=60)
            reply = browser.post(
                server.url + "/login", {"phone": PHONE, "password": "wrong", "csrf_token": token}
            )
            statuses.append(reply.status)

        threads = [threading.Thread(target=guess, args=pair) for pair in zip(browsers, tokens, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        right = Browser().sign_in(server.url, PHONE)  # the budget is spent: even the right one waits
    assert len(statuses) == TRIES, "a sign-in got no answer"
    assert sorted(statuses) == [200] * 5 + [429] * (TRIES - 5)  # 200: a password checked, wrong
    assert right.status == 429
