"""Home pages per role, and the language switch."""

from flask import Blueprint, redirect, render_template, session
from flask_login import current_user, login_required

from lms.core.redirects import safe_next
from lms.main.forms import LanguageForm
from lms.main.services import home_figures, sahayak_home
from lms.people import services as people_services

bp = Blueprint("main", __name__)


@bp.get("/")
@login_required
def home():
    """What this user does next, by role."""
    if current_user.is_learner:
        return render_template("main/home_sahayak.html", home=sahayak_home(current_user))
    return render_template(f"main/home_{current_user.role}.html", figures=home_figures(current_user))


@bp.post("/language")
def set_language():
    """Switch language for this browser, and for the account when signed in."""
    form = LanguageForm()
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if current_user.is_authenticated:
            people_services.set_language(current_user, form.lang.data)
    return redirect(safe_next(form.next.data))


@bp.get("/errors/413")
def too_large():
    """The site's own "File too large" page, in the reader's language, for the reverse proxy
    to show when it refuses an upload itself (deploy/nginx.conf: error_page 413)."""
    return render_template("errors/error.html", code=413), 413
