"""Limits hold across real gunicorn workers on SQLite: many forms of one quiz with a try limit,
sent at the same moment, record no more attempts than the limit; wrong passwords are counted
once for all workers (the default storage), not per worker. (On PostgreSQL with two instances:
tests/test_scale_out.py.)

Always on a SQLite file of its own, so both CI passes run the same test."""

import sqlite3
from contextlib import closing

import pytest

from tests.conftest import add_region
from tests.livehttp import (
    LIMITED,
    Browser,
    add_people,
    publish_sample_course,
    quiz_form,
    seeding,
    submit_all_at_once,
)
from tests.servers import running

pytestmark = pytest.mark.live

FORMS = 24  # each with its own one-time token, as reloading the lesson in fresh sessions gives
WORKERS = 4
LIMIT = 3  # the sample course's "passwords" quiz allows 3 attempts
PHONE = "7300000000"


@pytest.fixture
def settings(tmp_path) -> dict[str, str]:
    return {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'lms.sqlite3'}",
        "SECRET_KEY": "shared-limits-secret",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }


def test_wrong_passwords_are_counted_once_for_all_workers(settings, tmp_path):
    """Issue 15, finding 3: the in-memory limiter counted per worker, so 4 workers let 4 times
    the limit through."""
    with seeding(settings):
        add_people(1, int(PHONE), add_region("WB", kind="state"))
    with running(
        settings | {"LOGIN_LIMIT_PER_NUMBER_AND_ADDRESS": "5 per 15 minutes"}, tmp_path / "g.log", WORKERS
    ) as server:
        replies = [Browser().sign_in(server.url, PHONE, "wrong-password").status for _ in range(4 * WORKERS)]
    assert replies == [200] * 5 + [429] * (4 * WORKERS - 5)


def test_forms_sent_at_once_to_several_workers_record_no_more_attempts_than_the_limit(settings, tmp_path):
    database = tmp_path / "lms.sqlite3"
    with seeding(settings):
        add_people(1, int(PHONE), add_region("WB", kind="state"))
        publish_sample_course()
    with running(settings, tmp_path / "gunicorn.log", workers=WORKERS) as server:
        browser = Browser()
        assert browser.sign_in(server.url, PHONE).status == 302
        forms = [quiz_form(browser.twin().get(server.url + LIMITED).text) for _ in range(FORMS)]
        assert len({form["token"] for form in forms}) == FORMS
        replies = submit_all_at_once([server.url], browser, forms)
    assert all(reply.status == 302 for reply in replies), [reply.status for reply in replies]
    recorded = [reply for reply in replies if reply.location.startswith("/attempts/")]
    assert len(recorded) == LIMIT
    with closing(sqlite3.connect(database)) as connection:
        assert connection.execute("SELECT count(*) FROM attempt").fetchone() == (LIMIT,)
        assert connection.execute("SELECT attempts FROM quiz_progress").fetchall() == [(LIMIT,)]
    assert "Traceback" not in (tmp_path / "gunicorn.log").read_text()
