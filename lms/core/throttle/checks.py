"""Flask-Limiter's per-request work, only where there is a limit to check.

Flask-Limiter works out the limits of every request in a `before_request` hook, and looks
for them again after it and at teardown (about 55 µs in all, on pages that have none,
/healthz included, even when a request filter excuses them). Its hooks are wrapped so that
they run only for the endpoints that carry a limit (their views were decorated with
`limiter.limit` or `shared_limit`, read once from the app's views); those views' own
decorators check their limits as before."""

from collections.abc import Callable
from functools import partial, wraps

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


def only_where_limited(hook: Callable) -> Callable:
    """One of the limiter's hooks, run only for an endpoint with a limit."""

    @wraps(hook)
    def limited(*args):
        if request.endpoint in limited_endpoints(current_app):
            return hook(*args)
        return args[0] if args else None  # an after-request hook hands the response on

    return limited


def init_app(app: Flask) -> None:
    """Wrap the limiter's three hooks of this app (after `limiter.init_app(app)`): before the
    request (the check), after it (the X-RateLimit headers) and at teardown."""
    lists = {
        "before": app.before_request_funcs.setdefault(None, []),
        "after": app.after_request_funcs.setdefault(None, []),
        "teardown": app.teardown_request_funcs.setdefault(None, []),
    }
    for kind, hooks in lists.items():
        found = [index for index, hook in enumerate(hooks) if _is_limiters(hook)]
        if len(found) != 1:  # a new Flask-Limiter that registers its hooks differently
            raise RuntimeError(f"Flask-Limiter's {kind}-request hook was not found")
        hooks[found[0]] = only_where_limited(hooks[found[0]])


def _is_limiters(hook: Callable) -> bool:
    """Whether a registered hook is the limiter's: a bound method of it or a partial over it."""
    return getattr(hook, "__self__", None) is limiter or (isinstance(hook, partial) and limiter in hook.args)
