"""`flask demo` right after `make run`: a living programme, not empty dashboards (issue 16)."""

from flask_babel import force_locale, gettext
from sqlalchemy import select

from lms.auth.models import User
from lms.batches.models import Batch, Membership
from lms.certificates.models import Certificate
from lms.certificates.services import waiting_for_certificate
from lms.courses.models import Course
from lms.extensions import db
from lms.learning.models import Completion
from lms.learning.services import course_progress
from tests.conftest import AuthActions


def person(phone: str) -> User:
    return db.session.execute(select(User).filter_by(phone=phone)).scalar_one()


def test_the_demo_shows_a_learner_mid_course_one_waiting_and_one_certified(runner, app, client):
    assert runner.invoke(args=["courses", "publish"]).exit_code == 0
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "a learner mid-course, one waiting for a certificate, one certified" in result.output
    course = db.session.execute(select(Course).filter_by(slug="digital-sahayak-bn")).scalar_one()
    [batch] = db.session.execute(select(Batch)).scalars().all()
    assert batch.leader_id == person("9000000002").id
    assert len(db.session.execute(select(Membership).filter_by(batch_id=batch.id)).all()) == 7

    done, total = course_progress(person("9830000001"), course).steps
    assert 0 < done < total
    waiting = person("9830000002")
    assert [version.course_id for version, _ in waiting_for_certificate(waiting)] == [course.id]
    [certificate] = db.session.execute(select(Certificate)).scalars().all()
    assert (
        certificate.user_id == person("9830000003").id and certificate.issued_by_id == person("9000000004").id
    )
    assert certificate.snapshot["emblem_id"] and certificate.snapshot["signature_id"]
    assert db.session.execute(select(Completion).filter_by(course_id=course.id)).scalars().all()

    AuthActions(client).login("9830000002", "demo-pass")
    page = client.get("/certificates/").get_data(as_text=True)
    with app.test_request_context(), force_locale("bn"):  # her language
        assert gettext("Waiting for your certificate") in page and "ডিজিটাল সহায়ক" in page

    again = runner.invoke(args=["demo"])
    assert "Activity: already there." in again.output
    assert len(db.session.execute(select(Certificate)).all()) == 1
