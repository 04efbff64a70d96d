"""Everything a request could change, captured so a test can say "nothing changed"."""

from pathlib import Path

from flask import current_app

from lms.extensions import db

# Rate-limit counters: every request to a limited route counts, which changes nobody's data.
COUNTERS_TABLE, COUNTERS_FILE = "throttle_count", "throttle.sqlite3"


def database_rows(skip: frozenset[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every row of every table but those in `skip` (and the rate-limit counters), in primary-key order."""
    db.session.commit()  # end the test's own transaction: see every row the requests committed
    rows = {}
    for table in db.metadata.sorted_tables:
        if table.name in skip or table.name == COUNTERS_TABLE:
            continue
        query = table.select().order_by(*table.primary_key.columns)
        rows[table.name] = [tuple(row) for row in db.session.execute(query)]
    return rows


def instance_files() -> dict[str, int]:
    """Files under instance/ (password sheets, certificate PDFs) with their sizes; not the
    rate-limit counters' file."""
    root = Path(current_app.instance_path)
    files = root.rglob("*") if root.is_dir() else []
    return {
        str(path.relative_to(root)): path.stat().st_size
        for path in files
        if path.is_file() and not path.name.startswith(COUNTERS_FILE)
    }


# Flask-Login's bookkeeping: "_fresh" is set to False on any anonymous request.
BOOKKEEPING = {"_fresh", "_id"}


def session_of(client) -> dict:
    """The signed-in user, language, CSRF token and flashes kept in the client's cookie."""
    with client.session_transaction() as session:
        return {key: value for key, value in session.items() if key not in BOOKKEEPING}


def everything(client) -> tuple:
    """Database, files and the client's session."""
    return database_rows(), instance_files(), session_of(client)
