"""`flask backup PATH` and `flask restore PATH`: the database and the instance/ files that
matter, in one archive, on SQLite and on PostgreSQL.

The archive (a tar file, mode 0600: it holds password hashes, phone numbers and the secret
key) contains `manifest.json` (when, the database's kind and migration, each file's size and
SHA-256), the database (`database.dump`, pg_dump's custom format driven with the configured
URI; or `database.sqlite3`, SQLite's online backup, checked) and from instance/: `config.py`
and `secret_key` (sessions and CSRF tokens are signed with the key), password sheets not yet
removed (`sheets/`: their rows are in the database) and old-style signatures (`signatures/`).
Rendered PDFs, job results, counters and the job queue are not kept: they are made again, or
pass. Restoring checks every file against the manifest before anything is replaced, never
overwrites a different config.py or secret_key (it writes `*.from-backup` beside them), and
still takes a plain SQLite file made by the `flask backup` of earlier versions."""

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import make_url

from lms.core.files import PRIVATE_FILE, atomic_path, private_folder, private_sqlite_file, write_atomic
from lms.extensions import db

MANIFEST = "manifest.json"
INSTANCE_FILES = ["config.py", "secret_key"]  # kept, never overwritten when different
INSTANCE_FOLDERS = ["sheets", "signatures"]
SQLITE_MAGIC = b"SQLite format 3\x00"


class BackupError(click.ClickException):
    """A backup that cannot be made or used, said plainly (nothing was replaced)."""


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write the database and instance/'s files that matter to the archive PATH (the site
    keeps running)."""
    try:
        with atomic_path(path) as partial, tempfile.TemporaryDirectory(dir=path.parent) as work:
            folder = Path(work)
            files = [_dump_database(folder), *_copy_instance(folder)]
            manifest = _manifest(folder, files)
            _write_archive(partial, folder, [MANIFEST, *files])
    except (OSError, sqlite3.Error) as error:  # a missing folder, no permission, a full disk
        raise BackupError(f"could not write the backup to {path}: {error}") from None
    size = path.stat().st_size
    click.echo(
        f"Backed up the {manifest['database']['kind']} database (migration {manifest['migration']}) and "
        f"{len(files) - 1} file(s) of instance/ to {path} ({size:,} bytes). Keep it as secret as the site's data."
    )


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask before replacing the database.")
@with_appcontext
def restore_command(path: Path, yes: bool) -> None:
    """Replace the database's contents (and restore instance/'s files) from a backup made by
    `flask backup`."""
    with path.open("rb") as handle:
        legacy = handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    with tempfile.TemporaryDirectory(dir=_instance()) as work:
        folder = Path(work)
        if legacy:
            shutil.copyfile(path, folder / "database.sqlite3")
            manifest = {
                "database": {"kind": "SQLite", "file": "database.sqlite3"},
                "files": {},
                "migration": "?",
            }
        else:
            manifest = _unpack(path, folder)
        kind = _kind()
        if manifest["database"]["kind"] != kind:
            raise BackupError(
                f"{path} holds a {manifest['database']['kind']} database; this site uses {kind}."
            )
        database = folder / manifest["database"]["file"]
        if kind == "SQLite":
            with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as copy:
                _check(copy, "the backup")
        if not yes:
            click.confirm("Replace everything in the database with the backup?", abort=True)
        _restore_database(database)
        kept = _restore_instance(folder, manifest)
    click.echo(f"Restored from {path}.")
    for note in kept:
        click.echo(note)
    click.echo("Then run `flask db upgrade` and reload every instance (docs/upgrade.md).")


def _instance() -> Path:
    return private_folder(Path(current_app.instance_path))


def _kind() -> str:
    return "SQLite" if db.engine.dialect.name == "sqlite" else "PostgreSQL"


def _dump_database(folder: Path) -> str:
    """The database into `folder`; the file's name."""
    if _kind() == "SQLite":
        name = "database.sqlite3"
        private_sqlite_file(folder / name)  # password hashes and phone numbers: 0600
        source = db.engine.raw_connection().driver_connection
        with closing(sqlite3.connect(folder / name)) as target:
            source.backup(target)
            _check(target, "the backup")
        return name
    name = "database.dump"
    _postgres_tool(["pg_dump", "--format=custom", "--no-owner", f"--file={folder / name}"])
    (folder / name).chmod(PRIVATE_FILE)
    return name


def _postgres_tool(command: list[str]) -> None:
    """Run pg_dump or pg_restore against the configured database (its password, if any, in
    the environment rather than on the command line, where `ps` would show it)."""
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    target = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    environment = os.environ | ({"PGPASSWORD": url.password} if url.password else {})
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (Debian: apt-get install postgresql-client).")
    done = subprocess.run([*command, f"--dbname={target}"], env=environment, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def _copy_instance(folder: Path) -> list[str]:
    """instance/'s files that matter, copied into folder/instance/; their archive names."""
    instance, names = Path(current_app.instance_path), []
    sources = [instance / name for name in INSTANCE_FILES]
    for sub in INSTANCE_FOLDERS:
        if (instance / sub).is_dir():
            sources += sorted(path for path in (instance / sub).rglob("*") if path.is_file())
    for source in sources:
        if source.is_file():
            relative = source.relative_to(instance).as_posix()
            target = folder / "instance" / relative
            private_folder(target.parent)
            write_atomic(target, source.read_bytes(), mode=PRIVATE_FILE)
            names.append(f"instance/{relative}")
    return names


def _manifest(folder: Path, files: list[str]) -> dict:
    """What the archive holds, to be checked before anything is restored."""
    from lms.core.schema import database_revisions

    manifest = {
        "made_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {"kind": _kind(), "file": files[0]},
        "migration": ",".join(sorted(database_revisions())) or "none",
        "files": {name: _digest(folder / name) for name in files},
    }
    write_atomic(folder / MANIFEST, json.dumps(manifest, indent=1).encode(), mode=PRIVATE_FILE)
    return manifest


def _digest(path: Path) -> dict:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return {"bytes": path.stat().st_size, "sha256": sha.hexdigest()}


def _write_archive(partial: Path, folder: Path, names: list[str]) -> None:
    """A tar of the files, mode 0600 from its creation."""
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w") as archive:
        for name in names:
            archive.add(folder / name, arcname=name, recursive=False)


def _unpack(path: Path, folder: Path) -> dict:
    """The archive's files into `folder`, each checked against the manifest; the manifest."""
    try:
        with tarfile.open(path, mode="r") as archive:
            members = {member.name: member for member in archive.getmembers()}
            if MANIFEST not in members:
                raise BackupError(f"{path} is not a backup made by `flask backup` (it has no {MANIFEST}).")
            manifest = json.loads(archive.extractfile(members[MANIFEST]).read())
            for name, expected in manifest["files"].items():
                member = members.get(name)
                if member is None or not member.isfile() or not _safe(name):
                    raise BackupError(f"{path}: {name} is missing or not a plain file.")
                target = folder / name
                private_folder(target.parent)
                with archive.extractfile(member) as source, target.open("wb") as copy:
                    shutil.copyfileobj(source, copy)
                if _digest(target) != expected:
                    raise BackupError(
                        f"{path}: {name} is damaged (its size or SHA-256 differs from the manifest)."
                    )
    except (tarfile.TarError, json.JSONDecodeError, KeyError, io.UnsupportedOperation) as error:
        raise BackupError(f"{path} is damaged or not a backup: {error}") from None
    return manifest


def _safe(name: str) -> bool:
    """A relative name inside the archive's own folder (no /, no ..)."""
    parts = PurePosixPath(name).parts
    return bool(parts) and not PurePosixPath(name).is_absolute() and ".." not in parts


def _restore_database(database: Path) -> None:
    """Replace the live database's contents with the copy's."""
    if _kind() == "SQLite":
        target = db.engine.raw_connection().driver_connection
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as source:
            source.backup(target)
        return
    db.session.remove()
    db.engine.dispose()  # the site's own connections would hold locks pg_restore waits for
    _postgres_tool(
        ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", str(database)]
    )


def _restore_instance(folder: Path, manifest: dict) -> list[str]:
    """instance/'s files back in place; notes on what was kept as it was."""
    instance, notes = Path(current_app.instance_path), []
    for name in manifest["files"]:
        if not name.startswith("instance/"):
            continue
        relative = name.removeprefix("instance/")
        source, target = folder / name, instance / relative
        data = source.read_bytes()
        if relative in INSTANCE_FILES and target.exists() and target.read_bytes() != data:
            write_atomic(target.with_name(target.name + ".from-backup"), data, mode=PRIVATE_FILE)
            notes.append(
                f"instance/{relative} differs from the backup's: kept; the backup's is {relative}.from-backup."
            )
            continue
        private_folder(target.parent)
        write_atomic(target, data, mode=PRIVATE_FILE)
    return notes


def _check(connection: sqlite3.Connection, label: str) -> None:
    """Refuse a damaged database file."""
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{label} is damaged: {error}") from None
    if result != "ok":
        raise BackupError(f"{label} failed its integrity check: {result}")
