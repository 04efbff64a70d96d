"""Courses on the web: reading published lessons; trainers upload, edit, preview and publish."""

import io
from functools import wraps

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.auth.models import Role
from lms.courses import services
from lms.courses.forms import EditForm, UploadCourseForm
from lms.courses.kinds import KINDS, Kind
from lms.courses.problems import CourseInvalid
from lms.courses.publishing import quiz_parts
from lms.forms import EmptyForm

bp = Blueprint("courses", __name__, url_prefix="/courses")
PUBLISHERS = {Role.TRAINER, Role.ADMIN}
IMMUTABLE = 365 * 24 * 3600


@bp.before_request
@login_required
def signed_in_only():
    """Published courses are open to every signed-in user."""


def publishers_only(view):
    """Only trainers and admins manage and publish courses."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user.role not in PUBLISHERS:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.app_template_filter("quiz_parts")
def quiz_parts_filter(html: str) -> list[dict]:
    """Lesson HTML split around its quiz markers."""
    return quiz_parts(html)


@bp.app_template_global("question_kind")
def question_kind(name: str) -> Kind:
    """The kind of a question by its stored name; templates include its partials."""
    return KINDS[name]


@bp.get("/")
def index():
    """Every published course; trainers also see how to publish."""
    drafts = services.courses_with_drafts() if current_user.role in PUBLISHERS else set()
    return render_template("courses/index.html", versions=services.published_courses(), drafts=drafts)


@bp.get("/<slug>/v<int:number>/files/<path:path>")
def asset(slug: str, number: int, path: str):
    """An image of a version; versions never change, so it may be cached for a year."""
    found = services.asset(slug, number, path)
    response = send_file(
        io.BytesIO(found.data), download_name=path.rsplit("/", 1)[-1], max_age=IMMUTABLE, etag=found.sha256
    )
    response.cache_control.immutable = True
    response.cache_control.private = True
    return response


@bp.get("/<slug>/versions")
@publishers_only
def versions(slug: str):
    """Version history: number, date, who published, and a download of each."""
    course = services.get_course(slug)
    files, drafts = sorted(services.markdown_files(course)), services.drafts(course)
    return render_template(
        "courses/versions.html", course=course, rows=services.history(slug), files=files, drafts=drafts
    )


@bp.get("/<slug>/v<int:number>.zip")
@publishers_only
def download(slug: str, number: int):
    """A version as a .zip of its Markdown and assets (upload it again to publish it)."""
    data = services.version_zip(slug, number)
    name = f"{slug}-v{number}.zip"
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=name)


@bp.route("/upload", methods=["GET", "POST"])
@publishers_only
def upload():
    """Publish a course from a .zip of its folder."""
    form, problems = UploadCourseForm(), []
    if form.validate_on_submit():
        archive = form.archive.data
        try:
            outcome = services.publish_upload(archive.read(), archive.filename or "course.zip", current_user)
        except CourseInvalid as invalid:
            problems = invalid.located()
        else:
            _flash_outcome(outcome)
            return redirect(url_for("courses.versions", slug=outcome.slug))
    return render_template("courses/upload.html", form=form, problems=problems)


@bp.route("/<slug>/edit/<path:path>", methods=["GET", "POST"])
@publishers_only
def edit(slug: str, path: str):
    """Edit one Markdown file: preview, save as draft, or publish the course with it."""
    course = services.get_course(slug)
    services.editable_path(course, path)
    form = EditForm(data={"text": services.markdown_files(course)[path]} if request.method == "GET" else None)
    preview = None
    if form.validate_on_submit():
        action = request.form.get("action", "preview")
        if action in ("save", "publish"):
            services.save_draft(course, path, form.text.data, current_user)
        if action == "publish":
            return _publish_drafts(course, path)
        if action == "save":
            flash(_("Draft saved. It is not published yet."), "success")
        preview = services.preview(course, path, form.text.data)
    elif request.method == "GET":
        preview = services.preview(course, path, form.text.data)
    files = sorted(services.markdown_files(course))
    drafts = services.drafts(course)
    return render_template(
        "courses/edit.html", course=course, path=path, form=form, preview=preview, files=files, drafts=drafts
    )


def _publish_drafts(course, path: str):
    """Publish saved drafts; on problems, show them next to the text."""
    try:
        outcome = services.publish_drafts(course, current_user)
    except CourseInvalid:
        flash(_("Not published: the course has problems (listed below). Your draft is saved."), "error")
        return redirect(url_for("courses.edit", slug=course.slug, path=path))
    _flash_outcome(outcome)
    return redirect(url_for("courses.versions", slug=course.slug))


@bp.post("/<slug>/discard")
@publishers_only
def discard(slug: str):
    """Throw away unpublished edits."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    services.discard_drafts(services.get_course(slug))
    flash(_("Unpublished changes were discarded."), "info")
    return redirect(url_for("courses.versions", slug=slug))


def _flash_outcome(outcome) -> None:
    """Say whether a new version was made."""
    if outcome.created:
        flash(_("Published version %(number)d.", number=outcome.version.number), "success")
    else:
        flash(_("Nothing changed: version %(number)d stays live.", number=outcome.version.number), "info")
