"""Routes of the access matrix, made concrete: the sheet, batch, attempt and certificate
their paths name, built as tests/test_access.py builds them."""

from dataclasses import dataclass

import pytest

from tests.test_access import MATRIX, make_attempt, make_batch, make_certificate, make_sheet


@dataclass
class Route:
    """One route of the matrix with its placeholders filled in."""

    method: str
    url: str
    query: dict | None
    form: dict | None  # what the matrix posts
    context: dict


@pytest.fixture
def routes(client, auth, world, sample_course):
    """`routes(endpoint)` builds what the endpoint's MATRIX path needs (before anyone signs in)."""

    def build(endpoint: str) -> Route:
        method, path, _outcomes, *form = MATRIX[endpoint]
        token = make_sheet(client, auth, world.head_kol) if "{token}" in path else ""
        attempt = make_attempt(world.sahayak_kol) if "{attempt}" in path else 0
        batch = make_batch(world, sample_course)
        cert = make_certificate(world, sample_course) if "{cert}" in path else ""
        context = {
            "target": world.sahayak_kol.id, "phone": world.sahayak_kol.phone, "token": token,
            "attempt": attempt, "batch": batch.id, "code": batch.join_code, "region": world.kolkata.id,
            "course": sample_course.course_id, "cert": cert,
        }  # fmt: skip
        url, _, query = path.format(**context).partition("?")
        query_string = dict(pair.split("=") for pair in query.split("&")) if query else None
        data = {key: value.format(**context) for key, value in form[0].items()} if form else None
        return Route(method, url, query_string, data, context)

    return build


@pytest.fixture
def visitors(world):
    """The matrix's visitors as users of the world (None: not signed in)."""
    return {
        "anonymous": None,
        "sahayak": world.sahayak_kol,
        "trainer": world.trainer_kol,
        "cell_head_in_scope": world.head_kol,
        "cell_head_out_of_scope": world.head_dar,
        "admin": world.admin,
    }
