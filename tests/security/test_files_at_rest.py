"""Issue 15, finding 9: the SQLite database (with -wal and -shm), backups and certificate PDFs
were 0644 in 0755 folders, so password hashes and phone numbers were readable by every user
of a shared host. Now everything the site writes under instance/ is 0600 in 0700 folders,
whatever the umask, and looser modes left by an older version are tightened."""

import os
import stat
from pathlib import Path

import pytest
from flask import current_app

from lms.certificates.pdf import ensure_pdf
from lms.certificates.services import issue
from lms.core.schema import stamp_head
from lms.extensions import db
from lms.people.sheets import import_with_sheet
from tests.certificates.conftest import complete
from tests.conftest import ON_POSTGRES

CSV = "name,phone,region\nঅনিতা রায়,9830011111,B-KOL-1\n".encode()


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def lax_umask():
    """The usual umask of a shell (022), under which plain files come out world-readable."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def everything_under(root: Path) -> dict[str, int]:
    return {str(path.relative_to(root)): mode(path) for path in [root, *root.rglob("*")]}


ON_SQLITE = not ON_POSTGRES


def test_what_the_site_writes_is_for_its_own_user_only(
    lax_umask, app, client, auth, world, sample_course, runner, tmp_path
):
    auth.login(world.sahayak_kol.phone, "wrong-password")  # rate-limit counters
    complete(world.sahayak_kol, sample_course)
    [certificate], _ = issue(world.head_kol, [(world.sahayak_kol.id, sample_course.course_id)])
    ensure_pdf(certificate)
    db.session.commit()
    import_with_sheet(CSV, "people.csv", world.head_kol)  # a password sheet, CSV and PDF
    instance = Path(current_app.instance_path)
    if ON_SQLITE:
        backup = instance / "backups" / "before-upgrade.sqlite3"
        os.makedirs(backup.parent, mode=0o700)
        assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    found = everything_under(instance)
    written = (
        ("certificates", "sheets", "throttle.sqlite3", "backups") if ON_SQLITE else ("certificates", "sheets")
    )
    for name in written:  # (on PostgreSQL the counters are a table of the database)
        assert any(path.startswith(name) for path in found), (name, sorted(found))
    loose = {path: oct(bits) for path, bits in found.items() if bits & 0o077}
    assert loose == {}


def test_the_database_file_and_its_wal_are_private_from_the_first_connection(lax_umask, tmp_path, bare_app):
    database = tmp_path / "site" / "lms.sqlite3"
    database.parent.mkdir()
    app = bare_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path / "instance"),
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})  # fmt: skip
    with app.app_context():
        db.create_all()
    files = {path.name: mode(path) for path in database.parent.iterdir()}
    assert "lms.sqlite3" in files and "lms.sqlite3-wal" in files
    assert set(files.values()) == {0o600}


def test_looser_modes_left_by_an_older_version_are_tightened(lax_umask, tmp_path, bare_app):
    instance, database = tmp_path / "instance", tmp_path / "instance" / "lms.sqlite3"
    instance.mkdir(mode=0o755)
    database.touch(mode=0o644)
    (instance / "lms.sqlite3-wal").touch(mode=0o644)
    app = bare_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(instance), "WTF_CSRF_ENABLED": False,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})  # fmt: skip
    with app.app_context():
        db.create_all()
        stamp_head()
        assert mode(database) == mode(instance / "lms.sqlite3-wal") == 0o600
        app.test_client().post("/login", data={"phone": "9830011111", "password": "wrong"})
    assert mode(instance) == 0o700  # tightened when the site first writes a file of its own there
