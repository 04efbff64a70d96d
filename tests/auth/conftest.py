"""Fixtures of the auth tests."""

# The access matrix's visitors, as users of the world.
from tests.test_access import visitors  # noqa: F401 (a fixture, found by pytest by name)
