"""`flask backup` and `flask restore` (issue 18): the database (SQLite's online backup, or
pg_dump with the configured URI) and instance/'s files that matter, in one archive checked
before anything is replaced. The `app` tests run on the CI pass's database (SQLite, then
PostgreSQL); the `sqlite_app` ones on their own SQLite file in both passes."""

import io
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest

from lms.auth.models import User
from lms.core.schema import stamp_head
from lms.extensions import db
from tests.conftest import ON_POSTGRES, settings_for


def names() -> set[str]:
    return set(db.session.execute(db.select(User.name)).scalars())


def add_people(count: int, start: int = 0) -> None:
    db.session.add_all(
        User(phone=f"98300000{n:02d}", name=f"Person {n}", password_hash="!")
        for n in range(start, start + count)
    )
    db.session.commit()


def members(archive) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {member.name: tar.extractfile(member).read() for member in tar.getmembers()}


def write_tar(archive, inside: dict[str, bytes]) -> None:
    with tarfile.open(archive, "w") as tar:
        for name, data in inside.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


@pytest.fixture
def site(app):
    """The test app with three people, a password sheet in instance/ and a configured key file."""
    add_people(3)
    sheets = Path(app.instance_path) / "sheets"
    sheets.mkdir(parents=True, exist_ok=True)
    (sheets / "abc.csv").write_text("name,phone\nPerson 0,98300 00000\n")
    (sheets.parent / "config.py").write_text('SECRET_KEY = "very-secret-value"\n')
    return app


def test_backup_then_restore_brings_the_database_and_files_back(site, tmp_path):
    runner, archive = site.test_cli_runner(), tmp_path / "lms-backup.tar"
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "very-secret-value" not in result.output  # the key is kept, never printed
    assert oct(archive.stat().st_mode & 0o777) == "0o600"
    inside = members(archive)
    manifest = json.loads(inside["manifest.json"])
    kind = "PostgreSQL" if ON_POSTGRES else "SQLite"
    assert manifest["database"]["kind"] == kind and manifest["migration"] != "none"
    assert {"instance/sheets/abc.csv", "instance/config.py", manifest["database"]["file"]} <= set(inside)

    before = names()
    add_people(1, start=50)  # after the backup
    sheet = Path(site.instance_path) / "sheets" / "abc.csv"
    sheet.unlink()
    assert runner.invoke(args=["restore", str(archive)], input="n\n").exit_code == 1  # asked first
    assert "Person 50" in names()
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.remove()
    assert names() == before
    assert sheet.read_text().startswith("name,phone")


def test_a_different_config_is_kept_and_the_backups_put_beside_it(site, tmp_path):
    runner, archive = site.test_cli_runner(), tmp_path / "b.tar"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    config = Path(site.instance_path) / "config.py"
    config.write_text('SECRET_KEY = "the-new-machines-key"\n')
    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert "the-new-machines-key" in config.read_text()
    assert "very-secret-value" in config.with_name("config.py.from-backup").read_text()
    assert "config.py.from-backup" in result.output


def test_a_damaged_archive_is_refused_and_nothing_replaced(site, tmp_path):
    runner, archive = site.test_cli_runner(), tmp_path / "b.tar"
    assert runner.invoke(args=["backup", str(archive)]).exit_code == 0
    inside = members(archive)
    damaged = tmp_path / "damaged.tar"
    # the database cut short: the manifest's size and hash differ
    write_tar(damaged, {name: data[: len(data) // 2] if name.startswith("database") else data
                        for name, data in inside.items()})  # fmt: skip
    add_people(1, start=60)
    result = runner.invoke(args=["restore", str(damaged), "--yes"])
    assert result.exit_code == 1 and "is damaged" in result.output
    assert "Person 60" in names()


def test_a_file_that_is_no_backup_is_refused(site, tmp_path):
    other = tmp_path / "notes.tar"
    with tarfile.open(other, "w") as tar:
        tar.add(__file__, arcname="notes.txt")
    result = site.test_cli_runner().invoke(args=["restore", str(other), "--yes"])
    assert result.exit_code == 1 and "not a backup made by `flask backup`" in result.output


@pytest.mark.parametrize("where", ["missing-folder/backup.tar", "a-file/backup.tar"])
def test_backup_that_cannot_be_written_says_where_and_leaves_nothing(where, site, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    before = set(tmp_path.rglob("*"))
    result = site.test_cli_runner().invoke(args=["backup", str(tmp_path / where)])
    assert result.exit_code == 1
    assert f"could not write the backup to {tmp_path / where}" in result.output
    assert "Traceback" not in result.output
    assert set(tmp_path.rglob("*")) == before


@pytest.fixture
def sqlite_app(tmp_path, bare_app):
    """An app on its own SQLite file with three people."""
    app = bare_app(settings_for(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'live.sqlite3'}"))
    with app.app_context():
        db.create_all()
        stamp_head()
        add_people(3)
    return app


def test_a_plain_sqlite_backup_of_earlier_versions_still_restores(sqlite_app, tmp_path):
    old = tmp_path / "old-backup.sqlite3"
    with sqlite_app.app_context():
        source = db.engine.raw_connection().driver_connection
        with sqlite3.connect(old) as copy:
            source.backup(copy)
        add_people(1, start=70)
        result = sqlite_app.test_cli_runner().invoke(args=["restore", str(old), "--yes"])
        assert result.exit_code == 0, result.output
        assert "Person 70" not in names() and len(names()) == 3


def test_a_backup_of_the_other_kind_of_database_is_refused(sqlite_app, tmp_path, site):
    """An archive of the CI pass's database, restored into a SQLite site (or the reverse)."""
    archive = tmp_path / "other.tar"
    assert site.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    if not ON_POSTGRES:  # both SQLite: the archive is of the same kind, so make it claim PostgreSQL
        inside = members(archive)
        manifest = json.loads(inside["manifest.json"]) | {
            "database": {"kind": "PostgreSQL", "file": "database.sqlite3"}
        }
        inside["manifest.json"] = json.dumps(manifest).encode()
        write_tar(archive, inside)
    with sqlite_app.app_context():
        result = sqlite_app.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 1 and "holds a PostgreSQL database; this site uses SQLite" in result.output
