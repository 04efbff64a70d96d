"""Issue 15, finding 6: answers posted without a session were kept one row per request (50
requests, 50 rows), forever, from anyone, without a limit. Now they are kept once per token,
a bounded number per address, at a limited rate, and removed after a while."""

from datetime import timedelta

import pytest

from lms.core.clock import utcnow
from lms.extensions import db
from lms.jobs import services as jobs
from lms.learning import quizforms
from lms.learning.models import PendingAnswers
from tests.learning.quizzing import quiz

ADDRESS = "10.9.0.1"


@pytest.fixture
def tokens(world, sample_course):
    """Fresh attempt tokens of a Kolkata sahayak for the "safe-password" quiz."""
    target = quiz("safe-password")
    return lambda count: [
        quizforms.make_token(world.sahayak_kol.id, target.id, n, f"pending{n}") for n in range(count)
    ]


def post_signed_out(app, token: str, address: str = ADDRESS):
    return app.test_client().post(
        "/quizzes/submit", data={"token": token, "q1": "a"}, environ_base={"REMOTE_ADDR": address}
    )


def kept() -> list[PendingAnswers]:
    db.session.expire_all()
    return db.session.execute(db.select(PendingAnswers).order_by(PendingAnswers.id)).scalars().all()


def test_one_token_sent_many_times_is_kept_once(app, tokens):
    [token] = tokens(1)
    for _ in range(50):
        assert post_signed_out(app, token).status_code == 302
    [row] = kept()
    assert row.token == token and row.address == ADDRESS


def test_one_address_keeps_a_bounded_number(app, tokens):
    app.config["PENDING_ANSWERS_PER_ADDRESS"] = 3
    first, second, third, fourth = tokens(4)
    for token in (first, second, third):
        post_signed_out(app, token)
    refused = app.test_client()
    reply = refused.post("/quizzes/submit", data={"token": fourth}, environ_base={"REMOTE_ADDR": ADDRESS})
    assert reply.status_code == 302
    assert "Sign in again, then send your answers again." in refused.get("/login").get_data(as_text=True)
    assert len(kept()) == 3
    post_signed_out(app, fourth, "10.9.0.2")  # another address has its own room
    assert len(kept()) == 4


def test_signed_out_submissions_are_rate_limited_per_address(app, tokens):
    app.config["PENDING_ANSWERS_LIMIT_PER_ADDRESS"] = "2 per minute"
    first, second, third, fourth = tokens(4)
    assert [post_signed_out(app, token).status_code for token in (first, second, third)] == [302, 302, 429]
    assert post_signed_out(app, fourth, "10.9.0.2").status_code == 302
    assert len(kept()) == 3


def test_signed_in_submissions_are_not_rate_limited(app, client, auth, world, tokens):
    app.config["PENDING_ANSWERS_LIMIT_PER_ADDRESS"] = "1 per minute"
    auth.login(world.sahayak_kol)
    for token in tokens(2):
        reply = client.post("/quizzes/submit", data={"token": token}, environ_base={"REMOTE_ADDR": ADDRESS})
        assert reply.status_code == 302 and reply.headers["Location"].startswith("/attempts/")


def test_answers_kept_too_long_are_removed_by_housekeeping(app, tokens):
    old, new = tokens(2)
    post_signed_out(app, old)
    post_signed_out(app, new)
    row = db.session.execute(db.select(PendingAnswers).filter_by(token=old)).scalar_one()
    row.created_at = utcnow() - timedelta(hours=app.config["PENDING_ANSWERS_HOURS"], minutes=1)
    db.session.commit()
    jobs.housekeeping()
    assert [row.token for row in kept()] == [new]
