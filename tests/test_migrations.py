"""`flask db upgrade` builds an empty database that matches the models exactly."""

import uuid

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from lms.extensions import db
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URI, add_region, settings_for


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


def test_passes_tied_to_old_quiz_hashes_are_merged_and_earn_their_completion(tmp_path, bare_app):
    """Before 08f55bfeb0e5 any edit of a quiz block started its passes afresh; the upgrade gives
    them back (best score, first pass), keeps the tries left, and records the completion."""
    uri, schema = empty_database_uri(tmp_path)
    try:
        app = bare_app(settings_for(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
        with app.app_context():
            upgrade(revision="2d8f21f588b3")
            with db.engine.begin() as connection:
                for statement in OLD_PROGRESS:
                    connection.execute(text(statement))
            upgrade()
            with db.engine.connect() as connection:
                rows = connection.execute(
                    text(
                        "SELECT quiz_key, round, attempts, best_score, passed_at IS NOT NULL FROM quiz_progress"
                    )
                ).all()
                completions = connection.execute(
                    text("SELECT user_id, course_id, version_id FROM completion")
                ).all()
                completed = connection.execute(text('SELECT completed_at IS NOT NULL FROM "user"')).scalar()
            assert [tuple(row) for row in rows] == [("q", 1, 1, 100, True)]
            assert [tuple(row) for row in completions] == [(1, 1, 2)] and completed
    finally:
        drop_schema(schema)


def test_answer_tallies_are_counted_from_the_attempts_so_far(tmp_path, bare_app):
    """d4e2f6b8a031 adds the per-question report's tallies: counted from the attempts already
    made, they equal those kept as people answer."""
    from datetime import date

    from lms.auth.models import Role, User
    from lms.batches.services import create_batch, join
    from lms.courses.parser import parse_course
    from lms.courses.services import publish
    from tests.courses.samples import course_files
    from tests.reports.test_quizzes import answer
    from tests.reports.test_tallies import tally_rows

    uri, schema = empty_database_uri(tmp_path)
    try:
        app = bare_app(settings_for(tmp_path, SQLALCHEMY_DATABASE_URI=uri))
        with app.app_context():
            upgrade()
            version = publish(parse_course("safe-accounts", course_files()), None, "cli").version
            region = add_region("WB-KOL", None, "district", "Kolkata")
            people = [
                User(
                    phone=f"98300000{n:02d}",
                    name=f"P{n}",
                    role=str(role),
                    region=region,
                    lang="en",
                    password_hash="x",
                )
                for n, role in enumerate([Role.TRAINER] + [Role.SAHAYAK] * 3)
            ]
            db.session.add_all(people)
            db.session.commit()
            batch = create_batch(people[0], version.course_id, "B", "", date(2026, 9, 1), region.id)
            for number, person in enumerate(people[1:]):
                join(person, batch)
                for quiz in version.quizzes:
                    choice = quiz.spec["questions"][0].get("options", [{"id": "x"}])[number % 2]["id"]
                    answer(person, quiz, {"0": [choice], "2": "timer"})
            kept = tally_rows()
            db.session.remove()
            downgrade(revision="c3d1e5a7f920")
            upgrade()
            assert kept and tally_rows() == kept
            db.session.remove()
    finally:
        drop_schema(schema)


NOW = "'2026-11-01 10:00:00+00:00'"
OLD_PROGRESS = [
    'INSERT INTO "user" (id, phone, name, lang, role, password_hash, must_change_password, active, created_at) '
    f"VALUES (1, '9830000001', 'A', 'bn', 'sahayak', 'x', false, true, {NOW})",
    f"INSERT INTO course (id, slug, created_at) VALUES (1, 'c', {NOW})",
    *(
        "INSERT INTO course_version (id, course_id, number, content_hash, title, lang, summary, pass_mark, "
        f"certificate, intro_html, published_at) VALUES ({n}, 1, {n}, 'h{n}', 'C', 'bn', '', 70, true, '', {NOW})"
        for n in (1, 2)
    ),
    "UPDATE course SET live_version_id = 2",
    *(
        "INSERT INTO lesson (id, version_id, position, slug, title, source_path, html) "
        f"VALUES ({n}, {n}, 1, 'l1', 'L', '01-l1.md', '')"
        for n in (1, 2)
    ),
    *(
        "INSERT INTO quiz (id, version_id, lesson_id, key, content_hash, pass_mark, shuffle, spec) "
        f"VALUES ({n}, {n}, {n}, 'q', 'H{n}', 70, false, '{{}}')"
        for n in (1, 2)
    ),
    f"INSERT INTO lesson_read (user_id, course_id, lesson_slug, first_read_at) VALUES (1, 1, 'l1', {NOW})",
    # Passed version 1's quiz; its text changed in version 2, where one try failed.
    "INSERT INTO quiz_progress (user_id, course_id, quiz_key, quiz_hash, attempts, best_score, passed_at) "
    f"VALUES (1, 1, 'q', 'H1', 2, 100, {NOW})",
    "INSERT INTO quiz_progress (user_id, course_id, quiz_key, quiz_hash, attempts, best_score) "
    "VALUES (1, 1, 'q', 'H2', 1, 40)",
]
