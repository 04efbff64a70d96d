"""Job pages: what a background job is doing, and its result when done."""

from flask import Blueprint, current_app, render_template, request, send_file
from flask_login import current_user, login_required

from lms.core.ids import page_number
from lms.jobs import services

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.get("/")
@login_required
def index():
    """The user's recent jobs (every job, for admins)."""
    page = services.recent_jobs(
        current_user, request.args.get("page", 1, type=page_number), current_app.config["USERS_PER_PAGE"]
    )
    return render_template("jobs/index.html", page=page)


@bp.get("/<int:job_id>")
@login_required
def job(job_id: int):
    """What the job is doing ("412 of 760"), who started it and when; it refreshes itself."""
    return render_template("jobs/job.html", job=services.job_for(current_user, job_id))


@bp.get("/<int:job_id>/result")
@login_required
def result(job_id: int):
    """The finished job's file: a ZIP of certificates, a password sheet…"""
    found, path = services.result_file(current_user, job_id)
    name = found.result.get("download_name") or path.name
    return send_file(path, as_attachment=True, download_name=name, max_age=0)
