"""INSERT … ON CONFLICT DO NOTHING for SQLite and PostgreSQL alike."""

from sqlalchemy.dialects import postgresql, sqlite

from lms.extensions import db


def insert_ignore(model, **values) -> bool:
    """Insert a row unless one with the same unique key exists; True if inserted.

    RETURNING tells reliably whether a row was written (rowcount does not, on every driver)."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    key = list(model.__table__.primary_key.columns)
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing().returning(*key)
    return db.session.execute(statement).first() is not None
