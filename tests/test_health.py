"""/healthz reports each dependency and answers 503 only when this instance cannot serve;
pages answer 503 while the database is behind the code's migrations; with Redis away, sign-in,
verification and every page keep working, counting limits in each process."""

import logging
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import text

from lms.auth.models import User
from lms.core.clock import utcnow
from lms.core.schema import _scripts
from lms.extensions import db
from lms.jobs.models import Job
from tests.conftest import PASSWORD, add_region, settings_for
from tests.test_migrations import drop_schema, empty_database_uri

NOBODY_LISTENS = "redis://127.0.0.1:1/0"


def test_everything_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "migrations": "ok", "jobs": "ok"}


@pytest.fixture
def behind(tmp_path, bare_app):
    """An app whose database is one migration behind the code (then upgraded by the test)."""
    uri, schema = empty_database_uri(tmp_path)
    app = bare_app(settings_for(tmp_path, SQLALCHEMY_DATABASE_URI=uri, SCHEMA_CHECK_SECONDS=0))
    [head] = _scripts().get_heads()
    with app.app_context():
        upgrade(revision=_scripts().get_revision(head).down_revision)
    yield app
    drop_schema(schema)


def test_a_database_behind_the_code_gets_503_pages_until_it_is_upgraded(behind):
    client = behind.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json["status"] == "error" and health.json["migrations"] == "behind"
    page = client.get("/login", headers={"Accept-Language": "bn"})
    assert page.status_code == 503 and page.headers["Retry-After"] == "60"
    html = page.get_data(as_text=True)
    assert 'lang="bn"' in html and "The site is being upgraded" not in html  # in Bengali
    assert client.post("/login", data={"phone": "9830000001", "password": "x"}).status_code == 503
    with client.get("/static/style.css") as stylesheet:
        assert stylesheet.status_code == 200
    with behind.app_context():
        upgrade()
    assert client.get("/healthz").json["migrations"] == "ok"
    assert client.get("/login").status_code == 200


def test_an_empty_database_is_behind(tmp_path, bare_app):
    uri, schema = empty_database_uri(tmp_path)
    try:
        app = bare_app(settings_for(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
        assert app.test_client().get("/login").status_code == 503
    finally:
        drop_schema(schema)


def test_a_database_ahead_of_the_code_still_serves_but_says_so(app, client):
    def set_version(revision: str) -> None:
        with db.engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": revision})

    set_version("f00dfacecafe")  # a migration this code does not know: the code was rolled back
    try:
        health = client.get("/healthz")
        assert health.status_code == 200
        assert health.json["status"] == "degraded" and health.json["migrations"] == "ahead"
        assert client.get("/login").status_code == 200
    finally:  # PostgreSQL's test tables are kept between tests, alembic_version with them
        [head] = _scripts().get_heads()
        set_version(head)


def test_a_job_waiting_long_for_a_worker_is_reported_stalled(app, client, world):
    stale = utcnow() - timedelta(minutes=app.config["JOBS_STALLED_MINUTES"] + 1)
    db.session.add(Job(kind="x", title="x", created_by_id=world.admin.id, created_at=stale))
    db.session.commit()
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json["jobs"] == "stalled"
    assert health.json["status"] == "degraded"


def test_an_unreachable_job_queue_is_reported(make_app):
    app = make_app(JOBS_URL=NOBODY_LISTENS, JOBS_IMMEDIATE=False)
    health = app.test_client().get("/healthz")
    assert health.status_code == 200 and health.json["jobs"] == "unavailable"


@pytest.fixture
def redis_away(make_app):
    """An app whose rate-limit counters are in a Redis that does not answer, and a sahayak
    (made here: the `app` fixture would build another app, and Flask-Limiter, one per
    process, takes the storage of the app built last)."""
    from lms.auth.services import hash_password

    app = make_app(
        RATELIMIT_STORAGE_URI=NOBODY_LISTENS, LOGIN_LIMIT_PER_NUMBER_AND_ADDRESS="3 per 15 minutes"
    )
    with app.app_context():
        user = User(phone="9830012345", name="Sahayak", region=add_region("WB", kind="state"),
                    password_hash=hash_password(PASSWORD))  # fmt: skip
        db.session.add(user)
        db.session.commit()
        yield app, user.phone


def test_with_redis_away_people_still_sign_in_and_check_certificates(redis_away, caplog):
    app, phone = redis_away
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json["redis"] == "unavailable" and health.json["status"] == "degraded"
    with caplog.at_level(logging.WARNING):
        reply = client.post("/login", data={"phone": phone, "password": PASSWORD})
    assert reply.status_code == 302 and not reply.location.startswith("/login")
    assert client.get("/").status_code == 200
    assert client.get("/verify/AAAAABBBBBCCCCC").status_code == 404  # answered, not a 500
    assert "falling back to in-memory storage" in caplog.text


def test_with_redis_away_wrong_passwords_are_still_limited_in_each_process(redis_away, caplog):
    app, phone = redis_away
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        replies = [
            client.post("/login", data={"phone": phone, "password": "wrong"}).status_code for _ in range(5)
        ]
    assert replies == [200, 200, 200, 429, 429]
    assert "counting sign-in failures in this process" in caplog.text


def test_a_job_started_while_the_queue_is_away_waits_in_the_database(make_app, caplog):
    from lms.jobs import services as jobs

    app = make_app(JOBS_URL=NOBODY_LISTENS, JOBS_IMMEDIATE=False)
    with app.app_context():
        admin = User(phone="9830054321", name="Admin", role="admin", password_hash="!")
        db.session.add(admin)
        db.session.commit()
        with caplog.at_level(logging.WARNING):
            job = jobs.start(admin, "certificates.zip", "A ZIP", {}, 3)
        assert job.state == "queued" and "the job queue does not answer" in caplog.text
