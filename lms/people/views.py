"""People in the manager's scope: list, details, password reset, CSV import."""

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from lms.auth.permissions import MANAGEABLE_ROLES, may, requires, user_in_scope
from lms.auth.services import reset_password
from lms.core.forms import EmptyForm
from lms.core.ids import page_number
from lms.jobs import services as jobs
from lms.people import asks, editing, queries, sheets
from lms.people import jobs as import_jobs
from lms.people.budget import imports_budget
from lms.people.csvfiles import ImportFailed, count_rows
from lms.people.forms import DeactivateForm, EditPersonForm, ImportUsersForm
from lms.people.labels import role_name
from lms.people.regions import picker
from lms.people.services import PersonError

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.get("/")
@requires("see_people")
def index():
    """People in scope, searchable by name or number."""
    search = request.args.get("q", "").strip()[:100]
    page = queries.people_page(current_user, search, request.args.get("page", 1, type=page_number))
    return render_template("people/index.html", page=page, search=search)


@bp.get("/<int:user_id>")
@requires("see_people")
def detail(user_id: int):
    """One person's details, and the sections other packages add (404 outside the scope).

    Hook "person_sections"(actor, person): a (template, context) pair to show, or None."""
    person = user_in_scope(current_user, user_id)
    sections = [section for section in asks.person_sections.answers(current_user, person) if section]
    can_edit = may(current_user, "edit_people") and may(current_user, "manage_person", person)
    return render_template(
        "people/detail.html", person=person, can_reset=may(current_user, "manage_person", person), sections=sections,
        can_edit=can_edit, deactivate_form=DeactivateForm(), changes=editing.changes_of(current_user, person.id),
    )  # fmt: skip


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@requires("edit_people")
def edit(user_id: int):
    """Correct a person's name, number, region or role."""
    person = editing.person_to_edit(current_user, user_id)
    form = EditPersonForm(obj=person, region_code=person.region.code if person.region else "")
    form.role.choices = [
        SelectChoice(str(role), role_name(role)) for role in MANAGEABLE_ROLES[current_user.role]
    ]
    query = request.form.get("region_q", "")
    found = picker(current_user, query)
    if request.form.get("find"):  # the region picker looking up names: nothing is saved
        return render_template("people/edit.html", person=person, form=form, **found)
    if form.validate_on_submit():
        try:
            changed = editing.edit_person(
                current_user,
                person.id,
                form.name.data,
                form.phone.data,
                form.region_code.data,
                form.role.data,
            )
        except PersonError as error:
            form.name.errors.append(str(error))
        else:
            flash(_("Saved.") if changed else _("Nothing was changed."), "success" if changed else "info")
            return redirect(url_for("people.detail", user_id=person.id))
    return render_template("people/edit.html", person=person, form=form, **found)


@bp.post("/<int:user_id>/<any(deactivate, reactivate):action>")
@requires("edit_people")
def set_active(user_id: int, action: str):
    """Deactivate someone who left (with a reason), or bring them back."""
    editing.person_to_edit(current_user, user_id)  # 404 before anything is said about the form
    form = DeactivateForm()
    form.validate_on_submit()  # the reason may be empty for reactivating; the service decides
    if "csrf_token" in form.errors:
        abort(400)
    try:
        person = editing.set_active(current_user, user_id, action == "reactivate", form.reason.data or "")
    except PersonError as error:
        flash(str(error), "error")
        return redirect(url_for("people.detail", user_id=user_id))
    if person.active:
        flash(_("%(name)s can sign in again.", name=person.name), "success")
    else:
        flash(_("%(name)s was deactivated.", name=person.name), "success")
    return redirect(url_for("people.detail", user_id=person.id))


@bp.post("/<int:user_id>/reset-password")
@requires("see_people")
def reset(user_id: int):
    """Give the person a one-time password and show it once."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    person, password = reset_password(current_user, user_id)
    return render_template("people/reset.html", person=person, password=password)


@bp.route("/import", methods=["GET", "POST"])
@requires("import_people")
@imports_budget
def import_users():
    """Register people from a CSV file, all or nothing."""
    form, problems = ImportUsersForm(), []
    if form.validate_on_submit():
        upload = form.file.data
        data, filename = upload.read(), upload.filename or "upload.csv"
        try:
            if not jobs.inline(count_rows(data, filename)):  # many people: in the background
                return redirect(
                    url_for("jobs.job", job_id=import_jobs.start_import(current_user, data, filename).id)
                )
            issued, token = sheets.import_with_sheet(data, filename, current_user)
        except ImportFailed as failure:
            problems = failure.problems
        else:
            flash(
                ngettext("%(num)d person registered.", "%(num)d people registered.", len(issued)), "success"
            )
            return redirect(url_for("people.sheet", token=token))
    return render_template("people/import.html", form=form, problems=problems)


# Sheets are checked against their maker: a sahayak batch leader may have made one.
@bp.get("/sheets/<token>")
@login_required
def sheet(token: str):
    """Links to a one-time password sheet made by this manager."""
    sheets.sheet_file(current_user, token, "pdf")
    return render_template("people/sheet.html", token=token, form=EmptyForm())


@bp.get("/sheets/<token>.<any(pdf, csv):suffix>")
@login_required
def sheet_download(token: str, suffix: str):
    """Download the sheet's PDF or CSV."""
    path = sheets.sheet_file(current_user, token, suffix)
    return send_file(path, as_attachment=True, download_name=f"one-time-passwords.{suffix}", max_age=0)


@bp.post("/sheets/<token>/delete")
@login_required
def sheet_delete(token: str):
    """Delete a sheet once it has been printed and handed out."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    sheets.delete_sheet(current_user, token)
    flash(_("The password sheet has been deleted."), "info")
    return redirect(url_for("people.index"))
