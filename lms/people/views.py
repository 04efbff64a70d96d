"""People in the manager's scope: list, details, password reset, CSV import."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.auth.models import Role
from lms.auth.scope import find_user_in_scope, may_manage_role
from lms.auth.services import NotAllowed, reset_password
from lms.batches.services import completed_courses
from lms.forms import EmptyForm
from lms.people import queries, sheets
from lms.people.csvfiles import ImportFailed
from lms.people.forms import ImportUsersForm

bp = Blueprint("people", __name__, url_prefix="/people")

MANAGERS = {Role.TRAINER, Role.CELL_HEAD, Role.ADMIN}
IMPORTERS = {Role.CELL_HEAD, Role.ADMIN}


# Sheets are checked against their maker instead: a sahayak batch leader may have made one.
OWNER_CHECKED = {"people.sheet", "people.sheet_download", "people.sheet_delete"}


@bp.before_request
@login_required
def only_managers():
    """Sahayaks have no business here (but for their own password sheets)."""
    if current_user.role not in MANAGERS and request.endpoint not in OWNER_CHECKED:
        abort(403)


@bp.get("/")
def index():
    """People in scope, searchable by name or number."""
    search = request.args.get("q", "").strip()[:100]
    page = queries.people_page(current_user, search, request.args.get("page", 1, type=int))
    return render_template("people/index.html", page=page, search=search)


@bp.get("/<int:user_id>")
def detail(user_id: int):
    """One person's details (404 outside the manager's scope)."""
    person = find_user_in_scope(current_user, user_id)
    if person is None:
        abort(404)
    can_reset = person.id != current_user.id and may_manage_role(current_user, person.role)
    completed = (
        completed_courses(person) if current_user.role in IMPORTERS and person.role == Role.SAHAYAK else []
    )
    return render_template(
        "people/detail.html", person=person, form=EmptyForm(), can_reset=can_reset, completed=completed
    )


@bp.post("/<int:user_id>/reset-password")
def reset(user_id: int):
    """Give the person a one-time password and show it once."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        person, password = reset_password(current_user, user_id)
    except NotAllowed:
        abort(404)
    return render_template("people/reset.html", person=person, password=password)


@bp.route("/import", methods=["GET", "POST"])
def import_users():
    """Register people from a CSV file, all or nothing."""
    if current_user.role not in IMPORTERS:
        abort(403)
    form, problems = ImportUsersForm(), []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            issued, token = sheets.import_with_sheet(
                upload.read(), upload.filename or "upload.csv", current_user
            )
        except ImportFailed as failure:
            problems = failure.problems
        else:
            flash(_("%(count)d people registered.", count=len(issued)), "success")
            return redirect(url_for("people.sheet", token=token))
    return render_template("people/import.html", form=form, problems=problems)


@bp.get("/sheets/<token>")
def sheet(token: str):
    """Links to a one-time password sheet made by this manager."""
    if sheets.sheet_file(current_user, token, "pdf") is None:
        abort(404)
    return render_template("people/sheet.html", token=token, form=EmptyForm())


@bp.get("/sheets/<token>.<any(pdf, csv):suffix>")
def sheet_download(token: str, suffix: str):
    """Download the sheet's PDF or CSV."""
    path = sheets.sheet_file(current_user, token, suffix)
    if path is None:
        abort(404)
    return send_file(path, as_attachment=True, download_name=f"one-time-passwords.{suffix}", max_age=0)


@bp.post("/sheets/<token>/delete")
def sheet_delete(token: str):
    """Delete a sheet once it has been printed and handed out."""
    if not EmptyForm().validate_on_submit() or not sheets.delete_sheet(current_user, token):
        abort(404)
    flash(_("The password sheet has been deleted."), "info")
    return redirect(url_for("people.index"))
