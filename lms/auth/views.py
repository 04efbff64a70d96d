"""Sign in, sign out, change password, see and end one's sign-ins."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
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
from lms.core.forms import EmptyForm
from lms.core.redirects import safe_next
from lms.extensions import limiter

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the sign-in form; sign in on a valid POST (budgets per number and address, and per
    address; waits per number: auth/throttle.py)."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form, status = LoginForm(), 200
    if form.validate_on_submit():
        try:
            user = services.sign_in_check(
                form.phone.data,
                form.password.data,
                lambda phone: throttle.known_here(request, phone),
                get_remote_address(),
            )
        except throttle.TooManyTries:
            abort(429)
        except services.MustWait as error:
            form.password.errors.append(str(error))
            status = 429
        except services.AuthError as error:
            form.password.errors.append(str(error))
        else:
            sessions.sign_in(user)
            response = redirect(safe_next(request.args.get("next")))
            throttle.remember(request, response, user.phone)
            return response
    return render_template("auth/login.html", form=form), status


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
                key = services.choose_first_password(current_user, form.new.data, sessions.this_device())
            else:
                key = services.change_password(
                    current_user, form.current.data, form.new.data, sessions.this_device()
                )
        except services.AuthError as error:
            form.new.errors.append(str(error))
        else:
            sessions.use(current_user._get_current_object(), key)  # all ended, this one too: a new key
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
