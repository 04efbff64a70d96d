"""A power cut (SIGKILL) in the middle of a burst of quiz submissions on SQLite: after a
restart the database is intact and every submission the server acknowledged is there.

Always on a SQLite file of its own: the point is SQLite's crash safety under real gunicorn
workers, so both CI passes run the same test."""

import http.client
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field

import pytest

from tests.conftest import add_region
from tests.livehttp import (
    LESSON,
    Browser,
    add_people,
    attempt_id,
    publish_sample_course,
    quiz_form,
    seeding,
)
from tests.servers import Server, running, start

pytestmark = pytest.mark.live

SAHAYAKS = 60
FORMS_EACH = 4  # quiz forms each sahayak opened before the burst
KILL_AFTER = 60  # acknowledged submissions before the kill
FIRST_PHONE = 7000000000
WORKERS = 4
NO_ANSWER = (OSError, http.client.HTTPException)  # refused, reset, or cut off mid-answer


@dataclass
class Sahayak:
    """A signed-in sahayak with quiz forms (each with its own one-time token) to submit."""

    user_id: int
    browser: Browser
    forms: list[dict[str, str]]


@dataclass
class Burst:
    """What the clients saw: acknowledged tokens → (user id, attempt id), the rest."""

    acknowledged: dict[str, tuple[int, int]] = field(default_factory=dict)
    unanswered: list[str] = field(default_factory=list)
    unexpected: list[tuple[int, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    enough: threading.Event = field(default_factory=threading.Event)


def settings_for_sqlite(tmp_path) -> dict[str, str]:
    return {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'lms.sqlite3'}",
        "SECRET_KEY": "fault-test-secret",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "LOGIN_LIMIT_PER_ADDRESS": "10000 per 15 minutes",  # every sahayak signs in from 127.0.0.1
    }


def seed(settings: dict[str, str]) -> dict[str, int]:
    """The sample course and SAHAYAKS sahayaks; their user ids by phone."""
    with seeding(settings):
        people = add_people(SAHAYAKS, FIRST_PHONE, add_region("WB", kind="state"))
        publish_sample_course()
        return {person.phone: person.id for person in people}


def prepare(server: Server, phone: str, user_id: int) -> Sahayak:
    """Sign in, then open the quiz lesson FORMS_EACH times, each in a fresh session (one token each)."""
    browser = Browser()
    assert browser.sign_in(server.url, phone).status == 302
    forms = [quiz_form(browser.twin().get(server.url + LESSON).text) for _ in range(FORMS_EACH)]
    return Sahayak(user_id, browser, forms)


def submit_all(server: Server, sahayak: Sahayak, burst: Burst, start_line: threading.Barrier) -> None:
    """Submit every form in turn, noting what came back."""
    start_line.wait(timeout=60)
    for form in sahayak.forms:
        try:
            reply = sahayak.browser.post(server.url + "/quizzes/submit", form)
        except NO_ANSWER:
            with burst.lock:
                burst.unanswered.append(form["token"])
            continue
        recorded = attempt_id(reply)
        with burst.lock:
            if recorded is None:
                burst.unexpected.append((reply.status, reply.location))
            else:
                burst.acknowledged[form["token"]] = (sahayak.user_id, recorded)
                if len(burst.acknowledged) >= KILL_AFTER:
                    burst.enough.set()


def burst_then_kill(server: Server, sahayaks: list[Sahayak]) -> Burst:
    """Everyone submits at once; the server is killed once KILL_AFTER submissions are acknowledged."""
    burst, start_line = Burst(), threading.Barrier(len(sahayaks))
    threads = [
        threading.Thread(target=submit_all, args=(server, sahayak, burst, start_line)) for sahayak in sahayaks
    ]
    for thread in threads:
        thread.start()
    try:
        assert burst.enough.wait(timeout=60), f"too few submissions acknowledged:\n{server.log.read_text()}"
    finally:
        server.kill()
        for thread in threads:
            thread.join(timeout=60)
    return burst


@dataclass
class Stored:
    """What the database file holds, read with the sqlite3 module."""

    integrity: str
    attempts: dict[str, tuple[int, int]]  # token → (user id, attempt id)
    per_user: dict[int, int]  # attempts counted per user
    progress: dict[int, int]  # the attempts each user's quiz progress counted


def stored(database) -> Stored:
    with closing(sqlite3.connect(database)) as connection:
        query = connection.execute
        return Stored(
            query("PRAGMA integrity_check").fetchone()[0],
            {token: (user, id_) for id_, user, token in query("SELECT id, user_id, token FROM attempt")},
            dict(query("SELECT user_id, count(*) FROM attempt GROUP BY user_id").fetchall()),
            dict(query("SELECT user_id, attempts FROM quiz_progress").fetchall()),
        )


def resubmit(server: Server, sahayak: Sahayak, tokens: set[str]) -> list[tuple[str, int | None]]:
    """Retry the given forms, as a client does after a network failure: (token, attempt id)."""
    return [
        (form["token"], attempt_id(sahayak.browser.post(server.url + "/quizzes/submit", form)))
        for form in sahayak.forms
        if form["token"] in tokens
    ]


def retry_unanswered(server: Server, sahayaks: list[Sahayak], burst: Burst) -> dict[str, int | None]:
    """Every sahayak retries the forms that went unanswered, all at once."""
    unanswered = set(burst.unanswered)
    with ThreadPoolExecutor(WORKERS) as pool:
        return dict(
            pair for pairs in pool.map(lambda s: resubmit(server, s, unanswered), sahayaks) for pair in pairs
        )


def test_sigkill_mid_burst_keeps_every_acknowledged_submission(tmp_path):
    settings, log = settings_for_sqlite(tmp_path), tmp_path / "gunicorn.log"
    database = tmp_path / "lms.sqlite3"
    user_ids = seed(settings)
    server = start(settings, log, workers=WORKERS)
    try:
        with ThreadPoolExecutor(WORKERS) as pool:
            sahayaks = list(pool.map(lambda pair: prepare(server, *pair), user_ids.items()))
        burst = burst_then_kill(server, sahayaks)
    finally:
        server.stop()
    assert burst.unexpected == [], log.read_text()  # every answer was a recorded attempt
    assert len(burst.acknowledged) >= KILL_AFTER
    assert burst.unanswered, "the kill came after the burst: it proved nothing"
    assert len(burst.acknowledged) + len(burst.unanswered) == SAHAYAKS * FORMS_EACH

    with running(settings, log, workers=WORKERS) as restarted:
        after_kill = stored(database)
        assert after_kill.integrity == "ok"
        lost = {
            token: ids for token, ids in burst.acknowledged.items() if after_kill.attempts.get(token) != ids
        }
        assert lost == {}, "acknowledged submissions lost or changed"
        assert after_kill.per_user == after_kill.progress  # each attempt and its count committed together

        # Retried, each unanswered form is recorded exactly once, whether or not it was before
        # the kill; a replayed acknowledged form shows its first result.
        retried = retry_unanswered(restarted, sahayaks, burst)
        assert len(retried) == len(burst.unanswered) and None not in retried.values(), log.read_text()
        token, (_, first) = next(iter(burst.acknowledged.items()))
        owner = next(sahayak for sahayak in sahayaks if token in {form["token"] for form in sahayak.forms})
        assert resubmit(restarted, owner, {token}) == [(token, first)]
        after_retries = stored(database)
        assert after_retries.integrity == "ok"
        assert {token: ids[1] for token, ids in after_retries.attempts.items() if token in retried} == retried
        everyone = dict.fromkeys(user_ids.values(), FORMS_EACH)
        assert after_retries.per_user == after_retries.progress == everyone

        assert_serves_and_records(restarted, sahayaks[0].browser, str(FIRST_PHONE + 1))
        assert len(stored(database).attempts) == SAHAYAKS * FORMS_EACH + 2


def assert_serves_and_records(server: Server, signed_in: Browser, phone: str) -> None:
    """The server shows lessons and records new submissions, for someone signed in before
    the kill and for someone signing in now."""
    newcomer = Browser()
    assert newcomer.sign_in(server.url, phone).status == 302
    for browser in (signed_in, newcomer):
        page = browser.get(server.url + LESSON)
        assert page.status == 200
        recorded = attempt_id(browser.post(server.url + "/quizzes/submit", quiz_form(page.text)))
        assert recorded is not None
        assert browser.get(f"{server.url}/attempts/{recorded}").status == 200
