"""insert_ignore says truthfully whether it wrote a row, on SQLite and PostgreSQL."""

from lms.database import insert_ignore
from lms.extensions import db
from lms.learning.models import LessonRead


def test_insert_ignore_reports_whether_it_inserted(world, sample_course):
    row = {"user_id": world.sahayak_kol.id, "course_id": sample_course.course_id, "lesson_slug": "passwords"}
    assert insert_ignore(LessonRead, **row) is True
    assert insert_ignore(LessonRead, **row) is False
    db.session.commit()
    assert len(db.session.execute(db.select(LessonRead)).scalars().all()) == 1
