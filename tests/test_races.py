"""Many forms of one quiz with a try limit, sent at the same moment to real gunicorn workers
on SQLite: the database lets no more attempts through than the limit (on PostgreSQL with two
instances: tests/test_scale_out.py).

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


def test_forms_sent_at_once_to_several_workers_record_no_more_attempts_than_the_limit(tmp_path):
    database = tmp_path / "lms.sqlite3"
    settings = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "SECRET_KEY": "race-test-secret",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
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
