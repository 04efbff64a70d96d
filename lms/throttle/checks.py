"""Flask-Limiter's per-request work, only where there is a limit to check.

Flask-Limiter works out the limits of every request before the view runs (about 60 µs, on
pages that have none, /healthz included). A request filter tells it which endpoints carry a
limit (their views were decorated with `limiter.limit` or `shared_limit`), read once from the
app's views; every other request skips the work."""

from flask import Flask, current_app, request
from flask_limiter.util import get_qualified_name

from lms.extensions import limiter


def limited_endpoints(app: Flask) -> frozenset[str]:
    """The endpoints whose views carry a limit (computed once per app)."""
    found = app.extensions.get("lms.limited_endpoints")
    if found is None:
        manager = limiter.limit_manager
        found = frozenset(
            endpoint
            for endpoint, view in app.view_functions.items()
            if manager.decorated_limits(get_qualified_name(view))
        )
        app.extensions["lms.limited_endpoints"] = found
    return found


def nothing_to_check() -> bool:
    """A request filter: True (skip) for an endpoint without a limit."""
    return request.endpoint not in limited_endpoints(current_app)


def init_app(app: Flask) -> None:
    """Register the filter (once: the limiter is shared by every app of the process)."""
    if nothing_to_check not in limiter._request_filters:
        limiter.request_filter(nothing_to_check)
