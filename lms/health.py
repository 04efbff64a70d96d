"""GET /healthz for load balancers and monitoring."""

from flask import Blueprint, jsonify

from lms.database import database_ok
from lms.extensions import limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """JSON status; 503 when the database does not answer."""
    healthy = database_ok()
    body = {"status": "ok" if healthy else "error", "database": "ok" if healthy else "unavailable"}
    return jsonify(body), 200 if healthy else 503
