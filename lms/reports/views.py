"""Dashboards and CSV exports for cell heads (their subtree) and admins (everything)."""

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.permissions import may, requires
from lms.batches import services as batches
from lms.core.ids import id_number, page_number
from lms.core.spreadsheets import stream_csv
from lms.people.regions import region_trail
from lms.reports import cascade as cascades
from lms.reports import exports, progress, services
from lms.reports import quizzes as quiz_figures
from lms.reports.charts import bar_chart
from lms.reports.forms import TargetForm

bp = Blueprint("reports", __name__, url_prefix="/reports")
EXPORTS = {
    "people": (exports.PEOPLE_HEADER, exports.people_rows),
    "certificates": (exports.CERTIFICATE_HEADER, exports.certificate_rows),
    "batches": (exports.BATCH_HEADER, exports.batch_rows),
}


@bp.get("/")
@requires("see_dashboard")
def dashboard():
    """Registered, learning, completed and certified sahayaks, per child region."""
    region = services.region_for(current_user, request.args.get("region"))
    sort = request.args.get("sort", "name") if request.args.get("sort") in services.SORTS else "name"
    board = services.dashboard(region, sort)
    chart = bar_chart(
        [
            (row.region.name if row.region else region.name, row.registered, row.completed)
            for row in board.rows
        ]
    )
    trail = [r for r in region_trail(region) if may(current_user, "see_dashboard", r)]
    burn = progress.burn_up(region)
    return render_template(
        "reports/dashboard.html",
        board=board,
        chart=chart,
        sort=sort,
        trail=trail,
        burn=burn,
        burn_chart=progress.chart(burn),
        form=TargetForm(obj=burn.target),
        people=services.people_here(region, request.args.get("page", 1, type=page_number))
        if board.leaf
        else None,
    )


@bp.post("/target")
@requires("set_targets")
def set_target():
    """Set or change the region's target (cell heads in their area, admins anywhere)."""
    region = services.region_for(current_user, request.args.get("region"))
    form = TargetForm()
    if form.validate_on_submit():
        try:
            progress.set_target(current_user, region, form.target.data, form.due_on.data)
        except progress.TargetError as error:
            flash(str(error), "error")
        else:
            flash(_("Target saved."), "success")
    else:
        flash(" ".join(error for errors in form.errors.values() for error in errors), "error")
    return redirect(url_for("reports.dashboard", region=region.code))


@bp.get("/<any(people, certificates, batches):name>.csv")
@requires("see_dashboard")
def export(name: str):
    """A CSV of the region's subtree, streamed row by row."""
    region = services.region_for(current_user, request.args.get("region"))
    header, rows = EXPORTS[name]
    response = Response(stream_with_context(stream_csv(header, rows(region))), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}-{region.code}.csv"'
    return response


@bp.get("/cascade")
@requires("see_dashboard")
def cascade():
    """Workshop batches, or one batch's cascade level by level; the leaders who trained most."""
    batch_id = request.args.get("batch", type=id_number)
    if batch_id:
        batch = batches.get_batch(current_user, batch_id)
        return render_template(
            "reports/cascade.html", batch=batch, levels=cascades.cascade(current_user, batch)
        )
    return render_template(
        "reports/cascade_index.html",
        workshops=cascades.workshops(current_user),
        leaders=cascades.top_leaders(current_user),
    )


@bp.get("/quizzes")
@requires("see_quiz_reports")
def quizzes():
    """Per quiz and question, a page of quizzes at a time: the share answering right and the
    most common wrong answers."""
    page = quiz_figures.quiz_stats(current_user, request.args.get("page", 1, type=page_number))
    return render_template("reports/quizzes.html", stats=page)
