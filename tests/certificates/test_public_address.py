"""Issue 16: under `PORT=8765 make run` every certificate pointed to http://127.0.0.1:8000
(dead). The address now follows `make run`'s port unless configured, and outside `make run`
a loopback address is warned about at start and on the certificates page."""

import logging

import pytest

from lms.certificates.pdf import verify_url
from lms.config import address_for_this_machine_only


def settings(tmp_path, **more):
    return {"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path / "i"),
            "SQLALCHEMY_DATABASE_URI": "sqlite://"} | more  # fmt: skip


def test_make_runs_port_is_the_address_printed(tmp_path, bare_app):
    app = bare_app(settings(tmp_path, LOCAL_PORT=8765))
    with app.app_context():
        assert verify_url("ABC") == "http://127.0.0.1:8765/verify/ABC"
    assert not address_for_this_machine_only(app)  # right for trying the software here


def test_flask_runs_port_is_used_too(tmp_path, bare_app, monkeypatch):
    monkeypatch.setenv("FLASK_RUN_PORT", "5001")
    app = bare_app(settings(tmp_path))
    assert app.config["PUBLIC_BASE_URL"] == "http://127.0.0.1:5001"
    assert address_for_this_machine_only(app)


@pytest.mark.parametrize(
    ("configured", "warned"),
    [("https://lms.example.org", False), ("http://localhost:8000", True), ("http://127.0.0.1", True)],
)
def test_a_configured_address_is_kept_and_judged(configured, warned, tmp_path, bare_app):
    app = bare_app(settings(tmp_path, PUBLIC_BASE_URL=configured, LOCAL_PORT=None))
    assert app.config["PUBLIC_BASE_URL"] == configured
    assert address_for_this_machine_only(app) is warned


def test_the_app_warns_at_start_outside_make_run(tmp_path, bare_app, caplog):
    with caplog.at_level(logging.WARNING):
        bare_app(settings(tmp_path, TESTING=False))
    assert "PUBLIC_BASE_URL is http://127.0.0.1:8000: certificates will print an address only" in caplog.text


WARNING = "which only the server itself can open"


def test_issuers_see_the_warning_on_the_certificates_page(app, client, auth, world):
    auth.login(world.head_kol)
    assert WARNING in client.get("/certificates/").get_data(as_text=True)
    app.config["PUBLIC_BASE_URL"] = "https://lms.example.org"
    assert WARNING not in client.get("/certificates/").get_data(as_text=True)


def test_learners_never_see_it(client, auth, world):
    auth.login(world.sahayak_kol)
    assert WARNING not in client.get("/certificates/").get_data(as_text=True)
