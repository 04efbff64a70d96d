"""Completed courses ready for certificates."""

import pytest

from lms.extensions import db
from lms.learning.models import Completion


def complete(user, version):
    """Record a completion as the learning service does (with the user's milestone)."""
    from lms.auth.models import User
    from lms.people.milestones import mark_milestone

    db.session.add(Completion(user_id=user.id, course_id=version.course_id, version_id=version.id))
    mark_milestone(user.id, User.completed_at)
    db.session.commit()


@pytest.fixture
def graduates(world, sample_course):
    """The Kolkata and Darjeeling sahayaks completed the sample course."""
    complete(world.sahayak_kol, sample_course)
    complete(world.sahayak_dar, sample_course)
    return world
