"""INSERT … ON CONFLICT DO NOTHING for SQLite and PostgreSQL alike."""

from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db


def insert_ignore(model, **values) -> bool:
    """Insert a row unless one with the same unique key exists; True if inserted."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing()
    return db.session.execute(statement).rowcount == 1
