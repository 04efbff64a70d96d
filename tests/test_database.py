"""insert_ignore says truthfully whether it wrote a row, on SQLite and PostgreSQL."""

from lms.core.database import insert_ignore
from lms.extensions import db
from lms.learning.models import LessonRead
from tests.conftest import settings_for


def test_insert_ignore_reports_whether_it_inserted(world, sample_course):
    row = {"user_id": world.sahayak_kol.id, "course_id": sample_course.course_id, "lesson_slug": "passwords"}
    assert insert_ignore(LessonRead, **row) is True
    assert insert_ignore(LessonRead, **row) is False
    db.session.commit()
    assert len(db.session.execute(db.select(LessonRead)).scalars().all()) == 1


def test_each_process_keeps_few_postgresql_connections(tmp_path, bare_app):
    """Issue 18: SQLAlchemy's default 5 + 10 per process let six instances of two workers use
    up PostgreSQL's 100 connections."""
    app = bare_app(
        settings_for(tmp_path, SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    )
    with app.app_context():
        pool = db.engine.pool
        assert (pool.size(), pool._max_overflow) == (2, 2)
    tuned = bare_app(
        settings_for(
            tmp_path,
            SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none",
            DATABASE_POOL_SIZE=4,
        )
    )
    with tuned.app_context():
        assert db.engine.pool.size() == 4
