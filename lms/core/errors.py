"""Error pages in the user's language."""

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError

from lms.core.transactions import abandon


class NotFound(Exception):
    """Not there, or not yours: answered with 404, so a page never confirms what it hides."""


class Forbidden(Exception):
    """Something the user may see but not change (a course they do not own): 403, with why."""

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


def init_app(app: Flask) -> None:
    """Register handlers for the errors people can meet."""
    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, render_error)
    app.register_error_handler(NotFound, render_not_found)
    app.register_error_handler(Forbidden, render_forbidden)
    app.register_error_handler(CSRFError, render_csrf_error)
    app.register_error_handler(500, render_server_error)


def render_error(error):
    """A page for a client error, with the status code kept."""
    return render_template("errors/error.html", code=error.code), error.code


def render_not_found(_error):
    """A domain NotFound from any service is an ordinary 404 page."""
    return render_template("errors/error.html", code=404), 404


def render_forbidden(error: Forbidden):
    """A domain Forbidden is a 403 page that says why."""
    return render_template("errors/error.html", code=403, message=error.message), 403


def render_csrf_error(error):
    """An expired or missing form token: ask to reload the form."""
    return render_template("errors/error.html", code=400, csrf=True), 400


def render_server_error(error):
    """Roll back whatever half-done work failed, then apologise."""
    abandon()
    return render_template("errors/error.html", code=500), 500
