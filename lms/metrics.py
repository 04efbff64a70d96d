"""GET /metrics for Prometheus: request latency per endpoint, the job queue, and the
programme's own counts. Off unless METRICS_TOKEN is set; then only with
`Authorization: Bearer <token>` (and deploy/nginx.conf keeps it off the public site: scrape
each instance on its own port).

Under gunicorn each worker is a process of its own: with PROMETHEUS_MULTIPROC_DIR set (the
web unit sets a folder per instance, deploy/gunicorn.conf.py cleans up after exited workers)
the latencies of every worker of the instance are added up (prometheus_client's
multiprocess mode); without it (one process, tests) they are this process's."""

import hmac
import os
import time

from flask import Blueprint, Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import func, select

from lms.auth.models import Role, User
from lms.certificates.models import Certificate
from lms.extensions import db, limiter
from lms.jobs import queue
from lms.jobs.models import Job

bp = Blueprint("metrics", __name__)
_KEY = "lms.metrics"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)


def init_app(app: Flask) -> None:
    """Time every request (but /metrics) and offer /metrics."""
    shared = "PROMETHEUS_MULTIPROC_DIR" in os.environ
    registry = CollectorRegistry()
    latency = Histogram(
        "lms_request_duration_seconds",
        "Time to answer a request, by endpoint, method and status.",
        ["endpoint", "method", "status"],
        buckets=BUCKETS,
        registry=None if shared else registry,  # shared: the values live in the folder's files
    )
    registry.register(ProgrammeCollector(app))
    app.extensions[_KEY] = {"latency": latency, "registry": registry, "shared": shared}
    app.before_request(_start)
    app.after_request(_observe)
    app.register_blueprint(bp)


def _start() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    started = g.get("metrics_started")
    if started is not None and request.endpoint != "metrics.metrics":
        latency = current_app.extensions[_KEY]["latency"]
        endpoint = request.endpoint or "unknown"  # unknown: a 404 for no route, one label for all
        latency.labels(endpoint, request.method, str(response.status_code)).observe(
            time.perf_counter() - started
        )
    return response


@bp.get("/metrics")
@limiter.exempt
def metrics():
    """The metrics in Prometheus's text format, for a scraper holding METRICS_TOKEN."""
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), str(token).encode()):
        abort(401)
    kept = current_app.extensions[_KEY]
    registry = kept["registry"]
    if kept["shared"]:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(ProgrammeCollector(current_app._get_current_object()))
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)


class ProgrammeCollector:
    """Counts read from the database when scraped: people by role, progress, certificates,
    jobs by state and the queue's length."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self):
        with self.app.app_context():
            people = GaugeMetricFamily("lms_people", "Active people, by role.", labels=["role"])
            counts = dict(
                db.session.execute(
                    select(User.role, func.count()).where(User.active).group_by(User.role)
                ).all()
            )
            for role in Role:
                people.add_metric([str(role)], counts.get(str(role), 0))
            yield people
            sahayaks = User.is_learner & User.active
            yield _gauge("lms_sahayaks_completed", "Active sahayaks who completed a course.",
                         select(func.count()).where(sahayaks, User.completed_at.is_not(None)))  # fmt: skip
            yield _gauge("lms_sahayaks_certified", "Active sahayaks with a certificate.",
                         select(func.count()).where(sahayaks, User.certified_at.is_not(None)))  # fmt: skip
            yield _gauge("lms_certificates_valid", "Certificates issued and not revoked.",
                         select(func.count()).select_from(Certificate).where(Certificate.revoked_at.is_(None)))  # fmt: skip
            jobs = GaugeMetricFamily("lms_jobs", "Background jobs, by state.", labels=["state"])
            states = dict(db.session.execute(select(Job.state, func.count()).group_by(Job.state)).all())
            for state in ("queued", "running", "done", "failed", "expired"):
                jobs.add_metric([state], states.get(state, 0))
            yield jobs
            waiting = GaugeMetricFamily(
                "lms_job_queue_length", "Messages waiting in the job queue (-1: unreachable)."
            )
            try:
                waiting.add_metric([], queue.huey().pending_count())
            except Exception:  # Redis away: /healthz says so too  # noqa: BLE001
                waiting.add_metric([], -1)
            yield waiting
            db.session.remove()

    def describe(self):
        return []  # the families are only known when collected (avoids a scrape at registration)


def _gauge(name: str, text: str, query) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, text)
    family.add_metric([], db.session.execute(query).scalar_one())
    return family
