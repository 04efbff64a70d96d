"""Batches: create, join by code, register, rosters, posters, leaders."""

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from lms.auth.permissions import requires
from lms.auth.sessions import sign_in
from lms.batches import attempts, services
from lms.batches.forms import (
    BatchForm,
    BatchTriesForm,
    CodeForm,
    GiveTriesForm,
    LeaderForm,
    MembersCsvForm,
    RegisterForm,
)
from lms.batches.poster import poster_pdf
from lms.core.errors import NotFound
from lms.core.forms import EmptyForm
from lms.core.i18n import current_language
from lms.core.ids import as_id, id_number, page_number
from lms.core.links import public_url
from lms.extensions import limiter
from lms.jobs import services as jobs
from lms.people import jobs as import_jobs
from lms.people import sheets
from lms.people.budget import imports_budget
from lms.people.csvfiles import ImportFailed, count_rows
from lms.people.regions import find_region, picker

bp = Blueprint("batches", __name__)


def join_limit() -> str:
    """Join attempts per address (codes must not be guessable by brute force)."""
    return current_app.config["JOIN_LIMIT_PER_ADDRESS"]


@bp.get("/batches/")
@login_required
def index():
    """Batches the user leads or oversees."""
    search = request.args.get("q", "").strip()[:100]
    page = services.list_batches(
        current_user,
        search,
        request.args.get("page", 1, type=page_number),
        current_app.config["USERS_PER_PAGE"],
    )
    return render_template("batches/index.html", page=page, search=search)


@bp.route("/batches/new", methods=["GET", "POST"])
@requires("lead_batch")
def new():
    """Start a batch for a course the user may lead."""
    courses = services.leadable_courses(current_user)
    if not courses:
        abort(403)
    form = BatchForm()
    form.course_id.choices = [(version.course_id, version.title) for version in courses]
    if request.method == "GET" and current_user.region:
        form.region_code.data = current_user.region.code
    query = request.form.get("region_q", "")
    if request.form.get("find"):  # the region picker looking up names: nothing is created
        return render_template("batches/new.html", form=form, **picker(current_user, query))
    if form.validate_on_submit():
        region = find_region(form.region_code.data.strip())
        try:
            batch = services.create_batch(
                current_user,
                form.course_id.data,
                form.name.data,
                form.place.data or "",
                form.starts_on.data,
                region.id if region else 0,
            )
        except services.BatchError as error:
            form.region_code.errors.append(str(error))
        else:
            flash(_("Batch created. Its join code is %(code)s.", code=batch.join_code), "success")
            return redirect(url_for("batches.detail", batch_id=batch.id))
    return render_template("batches/new.html", form=form, **picker(current_user, query))


@bp.get("/batches/<int:batch_id>")
@login_required
def detail(batch_id: int):
    """The roster, per-quiz results, the join code and what the leader can do."""
    return _detail_page(services.get_batch(current_user, batch_id), MembersCsvForm())


def _detail_page(batch, csv_form: MembersCsvForm, problems: list[str] = (), status: int = 200):
    """The batch page: roster, quiz results and the CSV form (with any problems)."""
    rows = services.roster(batch, current_user)
    stuck = attempts.stuck_members(batch)
    page = render_template(
        "batches/detail.html", batch=batch, rows=rows, summaries=services.quiz_summaries(batch, rows),
        form=EmptyForm(), csv_form=csv_form, course=batch.course.live_version, problems=list(problems),
        stuck=stuck, stuck_people={user_id for ids in stuck.values() for user_id in ids},
        outside=services.members_outside(current_user, batch),
    )  # fmt: skip
    return page, status


@bp.route("/people/<int:user_id>/tries/<int:course_id>", methods=["GET", "POST"])
@login_required
def tries(user_id: int, course_id: int):
    """A learner's tries at each quiz of a course, and more tries at one, with the reason."""
    learner, course, quizzes = attempts.learner_tries(current_user, user_id, course_id)
    form = GiveTriesForm()
    form.quiz_id.choices = [SelectChoice(item.quiz.id, item.quiz.lesson.title) for item in quizzes]
    if request.method == "GET":  # the quiz they are stuck at, unless one was asked for
        stuck = next((item.quiz.id for item in quizzes if item.out_of_tries and not item.passed), None)
        form.quiz_id.data = request.args.get("quiz", type=id_number) or stuck
    batch_id = request.args.get("batch", type=id_number)
    if form.validate_on_submit():
        extra = None if form.tries.data == "reset" else int(form.tries.data)
        try:
            left = attempts.give_tries(
                current_user, learner.id, course.id, form.quiz_id.data, extra, form.reason.data
            )
        except attempts.GrantRefused as refused:
            form.reason.errors.append(str(refused))
        else:
            flash(
                ngettext(
                    "%(name)s now has %(num)d try left.", "%(name)s now has %(num)d tries left.", left,
                    name=learner.name,
                ),
                "success",
            )  # fmt: skip
            return redirect(url_for("batches.tries", user_id=learner.id, course_id=course.id, batch=batch_id))
    return render_template(
        "batches/tries.html", learner=learner, course=course, quizzes=quizzes, form=form, batch_id=batch_id
    )


@bp.post("/batches/<int:batch_id>/tries")
@login_required
def batch_tries(batch_id: int):
    """One more try at a quiz for every member out of tries at it."""
    batch = services.get_batch(current_user, batch_id)
    form = BatchTriesForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(_("Say why, for the record."), "error")
        return redirect(url_for("batches.detail", batch_id=batch.id))
    try:
        quiz_id = int(form.quiz_id.data)
    except ValueError:
        abort(400)
    try:
        given = attempts.give_batch_one_more_try(current_user, batch, quiz_id, form.reason.data)
    except attempts.GrantRefused as refused:
        flash(str(refused), "error")
    else:
        if given:
            flash(
                ngettext(
                    "%(num)d member was given one more try.",
                    "%(num)d members were given one more try.",
                    given,
                ),
                "success",
            )
        else:  # nobody was out of tries any more (another leader was quicker), or none may be
            flash(
                _("Nobody was given a try: no member you may help is out of tries at that quiz now."), "info"
            )
    return redirect(url_for("batches.detail", batch_id=batch.id))


@bp.post("/batches/<int:batch_id>/<any(open, close):action>")
@login_required
def toggle(batch_id: int, action: str):
    """Open or close the join code."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.set_open(current_user, batch_id, action == "open")
    return redirect(url_for("batches.detail", batch_id=batch_id))


@bp.get("/batches/<int:batch_id>/roster.csv")
@login_required
def roster_csv(batch_id: int):
    """The roster as a spreadsheet."""
    batch = services.get_batch(current_user, batch_id)
    keys = [quiz.key for quiz in batch.course.live_version.quizzes]
    data = services.roster_csv(batch, services.roster(batch, current_user), keys)
    return send_file(
        io.BytesIO(data),
        mimetype="text/csv",
        as_attachment=True,
        download_name=f"batch-{batch.join_code}.csv",
    )


@bp.get("/batches/<int:batch_id>/poster.pdf")
@login_required
def poster(batch_id: int):
    """A printable poster with the join code and a QR code to the join page."""
    batch = services.get_batch(current_user, batch_id)
    url = public_url("batches.join", code=batch.join_code)
    data = poster_pdf(batch, batch.course.live_version, url)
    return send_file(
        io.BytesIO(data), mimetype="application/pdf", download_name=f"batch-{batch.join_code}.pdf"
    )


@bp.post("/batches/<int:batch_id>/members")
@login_required
@imports_budget
def import_members(batch_id: int):
    """Register people from a CSV into the batch, all or nothing, with a password sheet."""
    batch = services.get_batch(current_user, batch_id)
    form = MembersCsvForm()
    if not form.validate_on_submit():
        flash(" ".join(form.file.errors) or _("Choose a .csv file."), "error")
        return redirect(url_for("batches.detail", batch_id=batch_id))
    upload = form.file.data
    data, filename = upload.read(), upload.filename or "upload.csv"
    try:
        if not jobs.inline(count_rows(data, filename)):  # many people: in the background
            job = import_jobs.start_import(
                current_user, data, filename, "batch_members", {"batch_id": batch.id}
            )
            return redirect(url_for("jobs.job", job_id=job.id))
        issued, token = sheets.import_with_sheet(
            data, filename, current_user,
            allowed=services.batch_import_rule(current_user, batch), then=services.add_members(batch, current_user),
        )  # fmt: skip
    except ImportFailed as failure:
        return _detail_page(batch, form, failure.problems, 400)
    flash(ngettext("%(num)d person registered.", "%(num)d people registered.", len(issued)), "success")
    return redirect(url_for("people.sheet", token=token))


@bp.post("/people/<int:user_id>/leader")
@login_required
def make_leader(user_id: int):
    """A cell head lets a sahayak who completed a course lead batches of it."""
    form = LeaderForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.grant_leader(current_user, user_id, form.course_id.data)
    except services.BatchError as error:
        flash(str(error), "error")
    else:
        flash(_("They can now lead batches for this course."), "success")
    return redirect(url_for("people.detail", user_id=user_id))


# One budget for every way of trying codes, so they cannot be enumerated.
join_budget = limiter.shared_limit(
    join_limit,
    scope="join",
    exempt_when=lambda: request.method == "GET" and request.endpoint == "batches.enter_code",
)


@bp.route("/join", methods=["GET", "POST"])
@join_budget
def enter_code():
    """Type a batch code."""
    form = CodeForm()
    if form.validate_on_submit():
        try:
            batch = services.batch_with_code(form.code.data)
        except NotFound:
            form.code.errors.append(_("No batch has this code. Check it with your trainer."))
        else:
            return redirect(url_for("batches.join", code=batch.join_code))
    return render_template("batches/enter_code.html", form=form)


@bp.route("/join/<code>", methods=["GET", "POST"])
@join_budget
def join(code: str):
    """A batch's join page: join when signed in, or register as a new sahayak."""
    batch = services.batch_with_code(code)
    if request.method == "POST" and current_user.is_authenticated:
        if not EmptyForm().validate_on_submit():
            abort(400)
        try:
            added = services.join(current_user, batch)
        except services.BatchError as error:
            flash(str(error), "error")
        else:
            flash(
                _("You have joined the batch.") if added else _("You are already in this batch."), "success"
            )
            return redirect(url_for("learning.course", slug=batch.course.slug))
    form = RegisterForm()
    return _join_page(batch, form, request.args.get("region", type=id_number))


def _narrowed(batch, current: int | None) -> int | None:
    """The region the register form's area buttons chose: one level down or up."""
    if request.form.get("narrow") == "down":
        return as_id(request.form.get("narrow_to", ""))
    trail, _children = services.region_choices(batch, current)
    return trail[-2].id if len(trail) > 1 else current


def _join_page(batch, form: RegisterForm, region_id: int | None, status: int = 200):
    """The join page, with the region picker at the chosen level."""
    trail, children = services.region_choices(batch, region_id)
    form.region_id.data = trail[-1].id
    page = render_template(
        "batches/join.html",
        batch=batch,
        course=batch.course.live_version,
        form=form,
        trail=trail,
        children=children,
        join_form=EmptyForm(),
    )
    return page, status


@bp.post("/join/<code>/register")
@join_budget
def register(code: str):
    """Register a new sahayak into the batch and sign them in."""
    batch = services.batch_with_code(code)
    form = RegisterForm()
    if request.form.get("narrow"):  # choosing the area: nothing is registered, what was typed stays
        return _join_page(batch, form, _narrowed(batch, as_id(form.region_id.data)))
    if form.validate_on_submit():
        try:
            user = services.register_and_join(
                batch,
                form.name.data,
                form.phone.data,
                as_id(form.region_id.data) or 0,
                form.password.data,
                current_language(),
            )
        except services.BatchError as error:
            form.phone.errors.append(str(error))
        else:
            sign_in(user)
            flash(_("Welcome! You have joined the batch."), "success")
            return redirect(url_for("learning.course", slug=batch.course.slug))
    return _join_page(batch, form, as_id(form.region_id.data), 400)
