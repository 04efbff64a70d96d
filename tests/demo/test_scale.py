"""`flask demo --scale N`: the generated programme is consistent and fits the dashboards."""

from sqlalchemy import func, select

from lms.auth.models import Region, User
from lms.batches.models import Batch, Membership
from lms.certificates.models import Certificate
from lms.extensions import db
from lms.learning.models import Attempt, Completion, LessonRead, QuizProgress
from lms.reports import services, tallies
from lms.reports.models import ATTEMPTS, AnswerTally
from tests.reports.test_tallies import tally_rows


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar()


def test_scale_generator_builds_a_consistent_programme(runner, app):
    assert runner.invoke(args=["courses", "publish"]).exit_code == 0
    result = runner.invoke(args=["demo", "--scale", "600"])
    assert result.exit_code == 0, result.output
    assert "600 sahayaks" in result.output and "30 batches" in result.output
    generated = db.session.execute(select(User).where(User.phone.like("6%"))).scalars().all()
    assert len(generated) == 600 and all(u.region.kind == "booth" for u in generated)
    assert count(Region) > 4000 and count(Batch) == 30 + 1  # and the demo's own workshop batch
    # The cascade: trainers lead the workshops; their members lead the next level, and so on.
    trainers = {u.id for u in db.session.execute(select(User).filter_by(role="trainer")).scalars()}
    leaders = {b.leader_id for b in db.session.execute(select(Batch)).scalars()}
    members = set(db.session.execute(select(Membership.user_id)).scalars())
    assert leaders & trainers and (leaders - trainers) <= members
    assert count(Attempt) > 600 * 5 and count(QuizProgress) > 0 and count(LessonRead) > 0
    # Milestones agree with the raw tables, so the dashboard counts are right.
    state = db.session.execute(select(Region).filter_by(code="WB")).scalar_one()
    total = services.dashboard(state).total
    assert total.learning == len({r for r in db.session.execute(select(LessonRead.user_id)).scalars()})
    assert total.completed == count(Completion)
    assert total.certified == count(Certificate) > 0
    # The per-question report's tallies count every generated attempt once per batch of its learner.
    counted = select(func.sum(AnswerTally.times)).where(AnswerTally.question == ATTEMPTS)
    paired = (
        select(func.count())
        .select_from(Attempt)
        .join(Batch, Batch.course_id == Attempt.course_id)
        .join(Membership, (Membership.batch_id == Batch.id) & (Membership.user_id == Attempt.user_id))
    )
    assert db.session.execute(counted).scalar() == db.session.execute(paired).scalar() > 600
    while_generating = tally_rows()  # counted while generating, as a rebuild from the attempts counts them
    tallies.rebuild()
    assert tally_rows() == while_generating
    again = runner.invoke(args=["demo", "--scale", "600"])
    assert "Scale data already generated; nothing added." in again.output
