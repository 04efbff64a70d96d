"""`flask backup` and `flask restore`: SQLite's online backup; PostgreSQL points to pg_dump.
These tests pick their database themselves, so both run on every CI pass."""

import sqlite3

import pytest

from lms.auth.models import User
from lms.extensions import db
from tests.conftest import settings_for


@pytest.fixture
def sqlite_app(tmp_path, bare_app):
    """An app on its own SQLite file with three people."""
    app = bare_app(settings_for(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.sqlite3'}"))
    with app.app_context():
        db.create_all()
        db.session.add_all(
            User(phone=f"98300000{n:02d}", name=f"Person {n}", password_hash="!") for n in range(3)
        )
        db.session.commit()
    return app


def names(app) -> set[str]:
    with app.app_context():
        return set(db.session.execute(db.select(User.name)).scalars())


def test_backup_then_restore_brings_everything_back(sqlite_app, tmp_path):
    runner, backup = sqlite_app.test_cli_runner(), tmp_path / "backup.sqlite3"
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(backup) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute('SELECT count(*) FROM "user"').fetchone()[0] == 3
    before = names(sqlite_app)
    with sqlite_app.app_context():
        db.session.add(User(phone="9830000099", name="Added after the backup", password_hash="!"))
        db.session.commit()
    assert runner.invoke(args=["restore", str(backup)], input="n\n").exit_code == 1  # asked first
    assert "Added after the backup" in names(sqlite_app)
    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert names(sqlite_app) == before


def test_a_damaged_backup_is_refused_and_nothing_replaced(sqlite_app, tmp_path):
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    result = sqlite_app.test_cli_runner().invoke(args=["restore", str(broken), "--yes"])
    assert result.exit_code != 0
    assert len(names(sqlite_app)) == 3


@pytest.mark.parametrize("where", ["missing-folder/backup.sqlite3", "a-file/backup.sqlite3"])
def test_backup_that_cannot_be_written_says_where_and_leaves_nothing(where, sqlite_app, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    before = set(tmp_path.rglob("*"))
    result = sqlite_app.test_cli_runner().invoke(args=["backup", str(tmp_path / where)])
    assert result.exit_code == 1
    assert f"could not write the backup to {tmp_path / where}" in result.output
    assert "Traceback" not in result.output
    assert set(tmp_path.rglob("*")) == before


def test_postgresql_is_pointed_to_pg_dump(tmp_path, bare_app):
    uri = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    app = bare_app(settings_for(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "x")])
    assert result.exit_code == 1 and "pg_dump --format=custom" in result.output
    assert not (tmp_path / "x").exists()
