"""GET /healthz for load balancers and monitoring: each dependency's state, and whether this
instance can serve pages.

- `database`: a trivial query, asked every time (`ok` / `unavailable`);
- `migrations`: the database's schema against the code's (`ok` / `behind` / `ahead` /
  `unknown`, lms/core/schema.py);
- `redis`: the rate-limit counters' Redis, when RATELIMIT_STORAGE_URI names one (`ok` /
  `unavailable`: sign-in and every page still work, counting in each process meanwhile);
- `jobs`: the background-job queue (`ok` / `unavailable` / `stalled`: a job has waited more
  than JOBS_STALLED_MINUTES without a worker starting it).

200 while the instance can serve pages: the database answers and is not behind the code. 503
otherwise: take it out of the rotation. Redis and the jobs are shared by every instance, so
their trouble makes the status `degraded` with 200 (taking every instance out would stop the
site). Those two are asked at most every HEALTH_CHECK_SECONDS per process."""

import json
import time

from flask import Blueprint, Response, current_app

from lms.config import redis_limits
from lms.core.database import database_ok
from lms.core.schema import BEHIND, CURRENT, schema_state
from lms.extensions import limiter
from lms.jobs.health import jobs_state

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """JSON: each dependency's state and the overall status (200 or 503)."""
    report = {"database": "ok" if database_ok() else "unavailable"}
    if report["database"] == "ok":
        report["migrations"] = schema_state()
    report |= _shared_states()
    serving = report["database"] == "ok" and report["migrations"] != BEHIND
    fine = all(state == CURRENT for state in report.values())
    status = "ok" if fine else ("degraded" if serving else "error")
    return Response(
        json.dumps({"status": status} | report), 200 if serving else 503, mimetype="application/json"
    )


def _shared_states() -> dict[str, str]:
    """The states of what every instance shares, kept for HEALTH_CHECK_SECONDS."""
    kept = current_app.extensions.setdefault("lms.health", {"at": None, "states": {}})
    now = time.monotonic()
    if kept["at"] is None or now - kept["at"] >= float(current_app.config["HEALTH_CHECK_SECONDS"]):
        states = {}
        if redis_limits(current_app):
            states["redis"] = "ok" if _storage_answers() else "unavailable"
        states["jobs"] = jobs_state()
        kept["at"], kept["states"] = now, states
    return kept["states"]


def _storage_answers() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:  # a storage that cannot even be asked is down  # noqa: BLE001
        return False
