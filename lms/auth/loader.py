"""Flask-Login wiring, and the rule that a one-time password must be replaced first."""

from flask import Flask, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from lms.auth import sessions
from lms.extensions import login_manager

# Endpoints reachable while a one-time password is still in use.
OPEN_WHILE_CHANGING = {"auth.change_password", "auth.logout", "main.set_language", "static", "health.healthz"}


def init_login(app: Flask) -> None:
    """Bind Flask-Login and the forced password change."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(sessions.load)
    app.session_interface = sessions.KeptSerializerSessions()
    app.before_request(require_password_change)


def require_password_change():
    """Send users with a one-time password to choose their own before anything else."""
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in OPEN_WHILE_CHANGING
    ):
        return redirect(url_for("auth.change_password"))
    return None
