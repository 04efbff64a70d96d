"""Fixtures: an app per test on a fresh database (SQLite, or PostgreSQL when
LMS_TEST_DATABASE_URI is set), its client and CLI runner, and data builders."""

import contextvars
import os
import re
from itertools import count

import pytest
from flask.testing import FlaskClient
from sqlalchemy import inspect, text

from lms import create_app
from lms.auth.models import Region, Role, User
from lms.core.schema import stamp_head
from lms.extensions import db

TEST_DATABASE_URI = os.environ.get("LMS_TEST_DATABASE_URI", "")
ON_POSTGRES = TEST_DATABASE_URI.startswith("postgresql")
PASSWORD = "correct-horse"
_numbers = count(1)


def settings_for(tmp_path, **overrides) -> dict:
    """Settings for a test app; each test gets its own instance folder."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URI or f"sqlite:///{tmp_path / 'lms.sqlite3'}",
        "WTF_CSRF_ENABLED": False,
        # A fast hash keeps the suite quick; production uses scrypt (see test_passwords).
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        # Jobs run inside the request that starts them; tests of real workers turn this off.
        "JOBS_IMMEDIATE": True,
        # Rendering a lesson in a child process may wait behind a loaded CI machine; the budget
        # itself is tested with its own value (tests/courses/test_rendering_budget.py).
        "RENDER_SECONDS": 30.0,
    }
    return settings | overrides


def reset_database() -> None:
    """Empty every table: a fresh schema on SQLite, TRUNCATE on PostgreSQL."""
    if ON_POSTGRES:
        names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        db.session.commit()
    else:
        db.create_all()
        stamp_head()  # built from the models: at the migrations' head, or every page is a 503


@pytest.fixture(scope="session", autouse=True)
def postgres_schema():
    """On PostgreSQL, build the tables once per run; tests truncate them."""
    if ON_POSTGRES:
        app = create_app(settings_for(_session_tmp()))
        with app.app_context():
            # Every table there, also those of older models (e.g. a table since renamed).
            for name in inspect(db.engine).get_table_names():
                db.session.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
            db.session.commit()
            db.create_all()
            stamp_head()
        dispose(app)
    yield


def _session_tmp():
    """A throwaway folder for the session-level app."""
    import tempfile
    from pathlib import Path

    return Path(tempfile.mkdtemp(prefix="lms-test-"))


class RequestIsolatedClient(FlaskClient):
    """Runs each request in a fresh context, so it gets its own app context, `g` and
    database session, as under a real server, although the test holds an app context."""

    def open(self, *args, **kwargs):
        context = contextvars.Context()
        response = context.run(super().open, *args, **kwargs)
        if response.is_streamed:  # a streamed body must be produced inside the request's context
            context.run(response.make_sequence)
        return response


def dispose(app) -> None:
    """Close the app's pooled connections (PostgreSQL warns about leaked ones)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(tmp_path):
    """Build an app with extra settings on the shared fresh database."""
    built = []

    def build(**overrides):
        app = create_app(settings_for(tmp_path, **overrides))
        app.test_client_class = RequestIsolatedClient
        built.append(app)
        with app.app_context():
            reset_database()
        return app

    yield build
    for app in built:
        dispose(app)


@pytest.fixture
def bare_app(tmp_path):
    """Build apps without touching the database; their pools are closed afterwards."""
    built = []

    def build(settings=None):
        app = create_app(settings)
        built.append(app)
        return app

    yield build
    for app in built:
        dispose(app)


@pytest.fixture
def app(make_app):
    """A test app with an empty database, its context pushed."""
    app = make_app()
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def add_region(
    code: str, parent: Region | None = None, kind: str = "district", name: str | None = None
) -> Region:
    """A region under `parent` (or a root), flushed so that its path is known."""
    region = Region(code=code, name=name or f"Region {code}", kind=kind, parent=parent, path="")
    db.session.add(region)
    db.session.flush()
    region.path = f"{parent.path if parent else '/'}{region.id}/"
    return region


@pytest.fixture
def make_region(app):
    """Build a region under `parent` (or a root)."""

    def build(code=None, parent=None, kind="district", name=None, lok_sabha=None):
        region = add_region(code or f"R{next(_numbers)}", parent, kind, name)
        region.lok_sabha = lok_sabha
        db.session.commit()
        return region

    return build


@pytest.fixture
def make_user(app):
    """Build a user; the password is PASSWORD unless given."""
    from lms.auth.services import hash_password

    def build(role=Role.SAHAYAK, region=None, phone=None, name=None, password=PASSWORD, lang="en", **extra):
        number = next(_numbers)
        user = User(
            phone=phone or f"9{number:09d}",
            name=name or f"Person {number}",
            role=str(role),
            region=region,
            lang=lang,
            password_hash=hash_password(password),
            **extra,
        )
        db.session.add(user)
        db.session.commit()
        return user

    return build


class AuthActions:
    """Sign in and out through the real forms."""

    def __init__(self, client):
        self._client = client

    def login(self, user_or_phone, password=PASSWORD, **kwargs):
        phone = getattr(user_or_phone, "phone", user_or_phone)
        return self._client.post("/login", data={"phone": phone, "password": password}, **kwargs)

    def logout(self):
        return self._client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


def csrf_token_from(html: str) -> str:
    """The CSRF token rendered into a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


@pytest.fixture
def world(make_region, make_user):
    """Two districts of one state with a cell head, trainer and sahayaks in each."""
    state = make_region("WB", kind="state", name="West Bengal")
    kolkata = make_region("WB-KOL", parent=state, name="Kolkata")
    darjeeling = make_region("WB-DAR", parent=state, name="Darjeeling")
    booth = make_region("B-KOL-1", parent=make_region("AC-1", parent=kolkata, kind="assembly"), kind="booth")

    class World:
        pass

    w = World()
    w.state, w.kolkata, w.darjeeling, w.booth = state, kolkata, darjeeling, booth
    w.admin = make_user(Role.ADMIN, region=state, name="Admin")
    w.head_kol = make_user(Role.CELL_HEAD, region=kolkata, name="Head Kolkata")
    w.head_dar = make_user(Role.CELL_HEAD, region=darjeeling, name="Head Darjeeling")
    w.trainer_kol = make_user(Role.TRAINER, region=kolkata, name="Trainer Kolkata")
    w.sahayak_kol = make_user(Role.SAHAYAK, region=booth, name="Sahayak Kolkata")
    w.sahayak_dar = make_user(Role.SAHAYAK, region=darjeeling, name="Sahayak Darjeeling")
    return w


@pytest.fixture
def sample_course(app):
    """The sample course of tests/courses/samples.py, published as version 1."""
    from lms.courses.parser import parse_course
    from lms.courses.services import publish
    from tests.courses.samples import course_files

    return publish(parse_course("safe-accounts", course_files()), None, "cli").version
