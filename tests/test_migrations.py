"""`flask db upgrade` builds an empty database that matches the models exactly."""

import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from lms.extensions import db
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URI, settings_for


def empty_database_uri(tmp_path) -> tuple[str, str | None]:
    """A fresh SQLite file, or a fresh schema in the PostgreSQL test database."""
    if not ON_POSTGRES:
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", None
    schema = f"migration_{uuid.uuid4().hex[:8]}"
    engine = create_engine(TEST_DATABASE_URI)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return f"{TEST_DATABASE_URI}?options=-csearch_path%3D{schema}", schema


def drop_schema(schema: str | None) -> None:
    if schema:
        engine = create_engine(TEST_DATABASE_URI)
        with engine.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        engine.dispose()


def test_upgrade_builds_the_models_schema_and_downgrade_removes_it(tmp_path, bare_app):
    uri, schema = empty_database_uri(tmp_path)
    try:
        app = bare_app(settings_for(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"render_as_batch": True})
                assert compare_metadata(context, db.metadata) == []
                tables = set(inspect(connection).get_table_names())
            assert {"region", "user", "password_sheet", "alembic_version"} <= tables
            downgrade(revision="base")
            with db.engine.connect() as connection:
                assert set(inspect(connection).get_table_names()) == {"alembic_version"}
    finally:
        drop_schema(schema)


def test_cli_upgrade_then_demo(tmp_path, bare_app):
    uri, schema = empty_database_uri(tmp_path)
    try:
        app = bare_app(settings_for(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
        runner = app.test_cli_runner()
        result = runner.invoke(args=["db", "upgrade"])
        assert result.exit_code == 0, result.output
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
        assert "Regions: 39 created" in result.output and "People: 25 created" in result.output
        again = runner.invoke(args=["demo"])
        assert "Regions: 0 created, 39 already there." in again.output
        assert "People: 0 created, 25 already there." in again.output
        assert "+91 90000 00004" in again.output  # the logins are printed
    finally:
        drop_schema(schema)
