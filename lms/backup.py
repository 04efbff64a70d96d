"""`flask backup PATH` and `flask restore PATH`: SQLite's online backup, both ways.

PostgreSQL has its own tools (pg_dump / pg_restore, see docs/deploy.md)."""

import sqlite3
from contextlib import closing
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.extensions import db
from lms.files import atomic_path, private_sqlite_file

POSTGRES_HINT = (
    "This site uses PostgreSQL: back it up with pg_dump --format=custom DBNAME > FILE "
    "and restore with pg_restore --clean --dbname DBNAME FILE (see docs/deploy.md)."
)


def _sqlite_connection() -> sqlite3.Connection:
    """The live database's own sqlite3 connection, or a clear refusal for PostgreSQL."""
    if db.engine.dialect.name != "sqlite":
        raise click.ClickException(POSTGRES_HINT)
    return db.engine.raw_connection().driver_connection


def _check(connection: sqlite3.Connection, label: str) -> None:
    """Refuse a damaged database file."""
    result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise click.ClickException(f"{label} failed its integrity check: {result}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Copy the SQLite database to PATH while the site keeps running."""
    source = _sqlite_connection()
    try:
        # only a complete, checked copy gets the name asked for (closed before the rename)
        with atomic_path(path) as partial:
            private_sqlite_file(partial)  # password hashes and phone numbers: 0600
            with closing(sqlite3.connect(partial)) as target:
                source.backup(target)
                _check(target, "the backup")
    except (sqlite3.Error, OSError) as error:  # a missing folder, no permission, a full disk
        raise click.ClickException(f"could not write the backup to {path}: {error}") from None
    click.echo(f"Backed up to {path}.")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.confirmation_option(prompt="Replace everything in the database with the backup?")
@with_appcontext
def restore_command(path: Path) -> None:
    """Replace the SQLite database's contents with a backup made by `flask backup`."""
    target = _sqlite_connection()
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as source:
        _check(source, "the backup")
        source.backup(target)
    click.echo(f"Restored from {path}.")
