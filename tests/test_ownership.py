"""Files are made only where the service's user can use them later (issue 18): a command run
as another user (root in the service's checkout) stops before writing anything, and every
write into a folder another user owns is refused with what to do instead."""

import os

import click
import pytest

from lms import create_app
from lms.core import files
from tests.conftest import settings_for

SOMEONE_ELSE = os.geteuid() + 4242  # whoever runs the tests, the folders are not this user's


@pytest.fixture
def as_someone_else(monkeypatch):
    """Run as another user than the one owning the test's folders."""
    monkeypatch.setattr(os, "geteuid", lambda: SOMEONE_ELSE)


def test_a_file_in_another_users_folder_is_refused(tmp_path, as_someone_else):
    with pytest.raises(files.ForeignFolder, match="Run it as"):
        files.write_atomic(tmp_path / "sheet.pdf", b"x", mode=0o600)
    with pytest.raises(files.ForeignFolder):
        files.private_folder(tmp_path / "certificates")
    with pytest.raises(files.ForeignFolder):
        files.private_sqlite_file(tmp_path / "jobs.sqlite3")
    assert list(tmp_path.iterdir()) == []


def test_an_existing_database_of_another_user_is_refused(tmp_path, monkeypatch):
    database = tmp_path / "lms.sqlite3"
    files.private_sqlite_file(database)
    monkeypatch.setattr(os, "geteuid", lambda: SOMEONE_ELSE)
    with pytest.raises(files.ForeignFolder, match=r"lms\.sqlite3 belongs to"):
        files.private_sqlite_file(database)


def test_the_own_users_files_are_made_as_before(tmp_path):
    files.write_atomic(tmp_path / "a.txt", b"x", mode=0o600)
    files.private_folder(tmp_path / "certificates" / "2026")
    assert (tmp_path / "a.txt").read_bytes() == b"x" and (tmp_path / "certificates" / "2026").is_dir()


def test_a_command_as_another_user_stops_before_writing_anything(tmp_path, as_someone_else):
    instance = tmp_path / "instance"
    instance.mkdir()
    settings = settings_for(tmp_path, INSTANCE_PATH=str(instance))
    settings.pop("SECRET_KEY")  # else the key would be read from (or made in) instance/
    with click.Context(click.Command("certificates")), pytest.raises(SystemExit) as stopped:
        create_app(settings)
    assert "run this command as" in str(stopped.value) and "bin/lms" in str(stopped.value)
    assert list(instance.iterdir()) == []


def test_the_web_app_is_not_stopped_by_the_command_line_check(tmp_path, as_someone_else):
    """Outside a command (gunicorn), nothing is refused up front; writes still are."""
    app = create_app(settings_for(tmp_path))
    assert app.name == "lms"
