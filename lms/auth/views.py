"""Sign in, sign out, change password, see and end one's sign-ins."""

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from lms.auth import services, sessions, throttle
from lms.auth.forms import ChangePasswordForm, FirstPasswordForm, LoginForm
from lms.extensions import limiter
from lms.forms import EmptyForm
from lms.phones import PhoneError, normalise_phone

bp = Blueprint("auth", __name__)


def number_and_address_key() -> str:
    """Rate-limit key: the normalised number being tried from this address."""
    raw = request.form.get("phone", "")
    try:
        phone = normalise_phone(raw)
    except PhoneError:
        phone = "invalid"
    return f"login:{phone}:{get_remote_address()}"


def failed_sign_in(_response: Response) -> bool:
    """Only wrong passwords count (not successes, nor refusals to try): a workshop signing in
    together spends none of its budget."""
    return g.get("password_wrong", False)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"], deduct_when=failed_sign_in
)
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_NUMBER_AND_ADDRESS"],
    key_func=number_and_address_key,
    methods=["POST"],
    deduct_when=failed_sign_in,
)
def login():
    """Show the sign-in form; sign in on a valid POST (throttled per number: auth/throttle.py)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form, status = LoginForm(), 200
    if form.validate_on_submit():
        try:
            user = services.sign_in_check(
                form.phone.data, form.password.data, lambda phone: throttle.known_here(request, phone)
            )
        except services.MustWait as error:
            form.password.errors.append(str(error))
            status = 429
        except services.AuthError as error:
            form.password.errors.append(str(error))
            g.password_wrong = True
        else:
            sessions.sign_in(user)
            response = redirect(safe_next(request.args.get("next")))
            throttle.remember(request, response, user.phone)
            return response
    return render_template("auth/login.html", form=form), status


def safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site (no control characters, which would break
    the Location header, and no backslash, which browsers read as a slash)."""
    if target and target.isprintable() and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


@bp.post("/logout")
def logout():
    """Sign out (POST only, so a link or image cannot sign anyone out)."""
    if EmptyForm().validate_on_submit():
        if current_user.is_authenticated:
            session["lang"] = current_user.lang  # the sign-in page stays in the user's language
        sessions.sign_out()
        flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


def account_key() -> str:
    """Rate-limit key: the signed-in account, whatever the address or the browser."""
    return f"password-user:{current_user.get_id()}"


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(
    lambda: current_app.config["PASSWORD_CHANGE_LIMIT"],
    key_func=account_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code != 302,  # a wrong current password
)
def change_password():
    """Let a user choose a new password: after a one-time password only the new one, twice."""
    first = current_user.must_change_password
    form = FirstPasswordForm() if first else ChangePasswordForm()
    if form.validate_on_submit():
        try:
            if first:
                services.choose_first_password(current_user, form.new.data, sessions.current_id())
            else:
                services.change_password(
                    current_user, form.current.data, form.new.data, sessions.current_id()
                )
        except services.AuthError as error:
            form.new.errors.append(str(error))
        else:
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("main.home"))
    return render_template("auth/change_password.html", form=form)


@bp.get("/sign-ins")
@login_required
def sign_ins():
    """The browsers and phones where one is signed in, each of which can be signed out."""
    return render_template(
        "auth/sign_ins.html",
        sign_ins=sessions.open_sign_ins(current_user),
        this_one=sessions.current_id(),
        form=EmptyForm(),
    )


@bp.post("/sign-ins/<int:sign_in_id>/end")
@login_required
def end_sign_in(sign_in_id: int):
    """Sign one of one's other browsers out."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    sessions.end_one(current_user, sign_in_id)
    flash(_("That device is signed out."), "success")
    return redirect(url_for("auth.sign_ins"))


@bp.post("/sign-ins/end-others")
@login_required
def end_other_sign_ins():
    """Sign out everywhere but here."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    ended = sessions.end_others(current_user)
    flash(
        ngettext("%(num)d other device is signed out.", "%(num)d other devices are signed out.", ended),
        "success",
    )
    return redirect(url_for("auth.sign_ins"))
