"""Fixtures of the security suite."""

# The access matrix's own fixtures: its routes with their placeholders filled in, and its visitors.
from tests.test_access import routes, visitors  # noqa: F401 (fixtures, found by pytest by name)
