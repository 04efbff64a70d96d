"""GET /metrics (issue 18): off without METRICS_TOKEN, only for its holder, with request
latency per endpoint and the programme's own counts read from the database."""

import re

import pytest

from lms.auth.models import Role
from lms.extensions import db
from lms.jobs.models import Job

TOKEN = "scrape-token-for-tests"


def value(text: str, sample: str) -> float:
    """The value of one sample line, e.g. 'lms_people{role="admin"}'."""
    match = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.M)
    assert match, f"{sample} not in the metrics"
    return float(match.group(1))


def test_metrics_are_off_without_a_token(client):
    assert client.get("/metrics").status_code == 404


@pytest.fixture
def scraped(make_app):
    app = make_app(METRICS_TOKEN=TOKEN)
    with app.app_context():
        yield app


def test_only_the_tokens_holder_reads_them(scraped):
    client = scraped.test_client()
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    reply = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert reply.status_code == 200 and reply.mimetype == "text/plain"


def test_latency_per_endpoint_and_the_programmes_counts(scraped, make_user):
    client = scraped.test_client()
    for _ in range(3):
        client.get("/healthz")
    client.get("/no-such-page")
    make_user(role=Role.SAHAYAK)
    admin = make_user(role=Role.ADMIN)
    db.session.add(Job(kind="x", title="x", created_by_id=admin.id))
    db.session.commit()
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(as_text=True)
    labels = 'endpoint="health.healthz",method="GET",status="200"'
    assert value(text, f"lms_request_duration_seconds_count{{{labels}}}") == 3
    assert (
        value(text, 'lms_request_duration_seconds_count{endpoint="unknown",method="GET",status="404"}') == 1
    )
    assert 'endpoint="metrics.metrics"' not in text  # the scrape does not time itself
    assert value(text, 'lms_people{role="sahayak"}') == 1 and value(text, 'lms_people{role="admin"}') == 1
    assert value(text, 'lms_jobs{state="queued"}') == 1
    assert value(text, "lms_certificates_valid") == 0 and value(text, "lms_job_queue_length") >= 0
