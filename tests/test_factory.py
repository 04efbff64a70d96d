"""The app factory: configuration layers, secret key, database set-up, health, headers."""

from sqlalchemy import text

from lms.extensions import db
from tests.conftest import ON_POSTGRES, settings_for


def test_config_layers_defaults_instance_file_then_environment(tmp_path, monkeypatch, bare_app):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text('USERS_PER_PAGE = 7\nLOGIN_LIMIT_PER_ADDRESS = "1 per day"\n')
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(instance))
    monkeypatch.setenv("LMS_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    monkeypatch.setenv("LMS_USERS_PER_PAGE", "9")
    app = bare_app()
    assert app.config["USERS_PER_PAGE"] == 9  # environment beats instance/config.py
    assert app.config["LOGIN_LIMIT_PER_ADDRESS"] == "1 per day"  # instance/config.py beats defaults
    assert app.config["PASSWORD_MIN_LENGTH"] == 8  # defaults
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("env.sqlite3")
    assert app.instance_path == str(instance)


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch, bare_app):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("LMS_SQLALCHEMY_DATABASE_URI", raising=False)
    app = bare_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'lms.sqlite3'}"


def test_secret_key_is_generated_once_and_kept(tmp_path, monkeypatch, bare_app):
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    first = bare_app().config["SECRET_KEY"]
    second = bare_app().config["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    monkeypatch.setenv("LMS_SECRET_KEY", "from-environment")
    assert bare_app().config["SECRET_KEY"] == "from-environment"


def test_create_app_touches_no_database(tmp_path, bare_app):
    app = bare_app(settings_for(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'never.sqlite3'}"))
    assert app.name == "lms"
    assert not (tmp_path / "never.sqlite3").exists()


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path, bare_app):
    app = bare_app(settings_for(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'p.sqlite3'}"))
    with app.app_context():
        pragma = lambda name: db.session.execute(text(f"PRAGMA {name}")).scalar()  # noqa: E731
        assert pragma("journal_mode") == "wal"
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == 5000


def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "migrations": "ok", "jobs": "ok"}


def test_healthz_is_503_when_database_is_down(tmp_path, bare_app):
    broken = f"sqlite:///{tmp_path / 'missing-dir' / 'db.sqlite3'}"
    if ON_POSTGRES:
        broken = "postgresql+psycopg://postgres@127.0.0.1:1/none"
    app = bare_app(settings_for(tmp_path, SQLALCHEMY_DATABASE_URI=broken))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unavailable"


def test_security_headers_on_every_response(client):
    for path in ("/login", "/healthz", "/static/style.css", "/no-such-page"):
        with client.get(path) as response:
            headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script_or_style_and_no_other_hosts(client, auth, world):
    auth.login(world.admin)
    for path in ("/", "/people/", f"/people/{world.sahayak_kol.id}", "/people/import", "/password"):
        page = client.get(path).get_data(as_text=True)
        assert "<script" not in page and "style=" not in page and "<style" not in page, path
        assert "http://" not in page and "https://" not in page, path


def test_error_pages(client, auth, world):
    assert "Page not found" in client.get("/nope").get_data(as_text=True)
    auth.login(world.sahayak_kol)
    forbidden = client.get("/people/")
    assert forbidden.status_code == 403 and "Not allowed" in forbidden.get_data(as_text=True)


def test_server_errors_roll_back_and_show_a_page(make_app):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)


def test_a_config_file_readable_by_others_is_tightened(tmp_path, monkeypatch, bare_app, caplog):
    """Issue 18: the deploy guide made instance/config.py (secret key, database password) 0644."""
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o700)
    config = instance / "config.py"
    config.write_text(
        f'SECRET_KEY = "from-the-file"\nSQLALCHEMY_DATABASE_URI = "sqlite:///{tmp_path / "x.sqlite3"}"\n'
    )
    config.chmod(0o644)
    monkeypatch.setenv("LMS_INSTANCE_PATH", str(instance))
    with caplog.at_level("WARNING"):
        app = bare_app()
    assert app.config["SECRET_KEY"] == "from-the-file"
    assert oct(config.stat().st_mode & 0o777) == "0o600" and "was readable by others" in caplog.text
