"""A signed-in sahayak with the sample course published."""

import pytest


@pytest.fixture
def learner(world, auth, sample_course):
    auth.login(world.sahayak_kol)
    return world.sahayak_kol
