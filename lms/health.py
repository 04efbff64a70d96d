"""GET /healthz for load balancers and monitoring."""

import json

from flask import Blueprint, Response

from lms.database import database_ok
from lms.extensions import limiter

bp = Blueprint("health", __name__)


ANSWERS = {  # written once: a probe asks often
    True: json.dumps({"status": "ok", "database": "ok"}),
    False: json.dumps({"status": "error", "database": "unavailable"}),
}


@bp.get("/healthz")
@limiter.exempt
def healthz():
    """JSON status; 503 when the database does not answer."""
    healthy = database_ok()
    return Response(ANSWERS[healthy], 200 if healthy else 503, mimetype="application/json")
