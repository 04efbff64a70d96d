"""People, completions and certificates in numbers that need background jobs."""

from datetime import date

import pytest

from lms.auth.models import Role, User
from lms.auth.services import hash_password
from lms.batches.models import Membership
from lms.batches.services import create_batch
from lms.extensions import db
from lms.learning.models import Completion
from tests.conftest import PASSWORD


def graduates(world, version, count: int) -> list[User]:
    """`count` more Kolkata sahayaks who completed the course (one password hash for all)."""
    password = hash_password(PASSWORD)
    first = db.session.execute(db.select(db.func.count(User.id)).where(User.phone.like("7%"))).scalar()
    people = [
        User(phone=f"7{index:09d}", name=f"Graduate {index}", role=Role.SAHAYAK.value, region=world.booth,
             password_hash=password)
        for index in range(first, first + count)
    ]  # fmt: skip
    db.session.add_all(people)
    db.session.flush()
    db.session.add_all(
        Completion(user_id=user.id, course_id=version.course_id, version_id=version.id) for user in people
    )
    db.session.commit()
    return people


@pytest.fixture
def crowd(world, sample_course):
    """25 graduates in a batch of the Kolkata trainer: more than JOBS_INLINE_MAX (20)."""
    people = graduates(world, sample_course, 25)
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "Big", "", date(2026, 12, 1), world.kolkata.id
    )
    db.session.add_all(Membership(batch_id=batch.id, user_id=user.id) for user in people)
    db.session.commit()
    return batch, people
