"""Courses on the web: reading published lessons; trainers upload, edit, preview and publish."""

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from lms.auth.permissions import may, requires
from lms.core.forms import EmptyForm
from lms.core.i18n import current_language
from lms.core.ids import page_number
from lms.courses import drafts, owners, services
from lms.courses.forms import NEW_COURSE, EditForm, OwnerForm, UploadCourseForm
from lms.courses.problems import CourseInvalid

bp = Blueprint("courses", __name__, url_prefix="/courses")
IMMUTABLE = 365 * 24 * 3600


@bp.before_request
@login_required
def signed_in_only():
    """Published courses are open to every signed-in user."""


@bp.get("/")
def index():
    """Every published course; trainers see every course, with its state and their part in it."""
    if not may(current_user, "publish_courses"):
        return render_template("courses/index.html", versions=services.published_courses(current_language()))
    return render_template(
        "courses/index.html", courses=services.staff_courses(), drafted=drafts.courses_with_drafts(),
        editable=owners.editable_by(current_user),
    )  # fmt: skip


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
@requires("publish_courses")
def versions(slug: str):
    """A course's history (every publish, with origin and per-quiz decisions), its owners,
    its files to edit, and unpublishing."""
    course = services.course_for_staff(slug)
    return render_template(
        "courses/versions.html", course=course, files=sorted(drafts.markdown_files(course)),
        rows=services.history(course, request.args.get("page", 1, type=page_number), current_app.config["USERS_PER_PAGE"]),
        drafted=drafts.drafts(course), owners=owners.owners(course), editor=may(current_user, "edit_course", course),
        owner_form=OwnerForm(), form=EmptyForm(),
    )  # fmt: skip


@bp.get("/<slug>/v<int:number>.zip")
@requires("publish_courses")
def download(slug: str, number: int):
    """A version as a .zip of its Markdown and assets (upload it again to publish it)."""
    data = services.version_zip(slug, number)
    name = f"{slug}-v{number}.zip"
    return send_file(io.BytesIO(data), mimetype="application/zip", as_attachment=True, download_name=name)


@bp.get("/guide")
@requires("publish_courses")
def guide():
    """The course guide (docs/course-format.md), for those who write courses."""
    return render_template("courses/guide.html", html=services.course_guide_html())


@bp.route("/upload", methods=["GET", "POST"])
@requires("publish_courses")
def upload():
    """Put a course packed as .zip into the drafts of a course (one the uploader owns, or a
    new one); it is reviewed and published from there."""
    form, problems = UploadCourseForm(), []
    mine = owners.editable_by(current_user)
    choices = [(c.slug, c.slug, {"translate": "no"}) for c in services.staff_courses() if c.id in mine]
    form.course.choices = [(NEW_COURSE, _("A new course")), *choices]
    if form.validate_on_submit():
        new = form.course.data == NEW_COURSE
        slug = (form.new_slug.data or "").strip() if new else form.course.data
        try:
            course = drafts.upload(current_user, form.archive.data.read(), slug, new)
        except CourseInvalid as invalid:
            problems = invalid.located()
        except drafts.UploadRefused as refused:
            (form.new_slug if new else form.course).errors.append(str(refused))
        else:
            flash(_("Uploaded. Check the changes, then publish them."), "success")
            return redirect(url_for("courses.review", slug=course.slug))
    return render_template("courses/upload.html", form=form, problems=problems)


@bp.get("/<slug>/review")
@requires("publish_courses")
def review(slug: str):
    """The drafts before publishing: what changed, and every problem with its file and line."""
    course = services.course_for_staff(slug)
    owners.ensure_editor(current_user, course)
    source = drafts.draft_source(course)
    return render_template(
        "courses/review.html", course=course, changes=drafts.changes(course), problems=drafts.problems(course),
        files=drafts.markdown_files(course), title=source.title or course.slug, lang=source.lang, form=EmptyForm(),
    )  # fmt: skip


@bp.route("/<slug>/edit/<path:path>", methods=["GET", "POST"])
@requires("publish_courses")
def edit(slug: str, path: str):
    """Edit one Markdown file: preview, save as draft, or publish the course with it."""
    course = services.course_for_staff(slug)
    owners.ensure_editor(current_user, course)
    drafts.editable_path(course, path)
    form = EditForm(data={"text": drafts.markdown_files(course)[path]} if request.method == "GET" else None)
    preview = None
    if form.validate_on_submit():
        action = request.form.get("action", "preview")
        if action in ("save", "publish"):
            preview = drafts.save_draft(current_user, course, path, form.text.data)
        if action == "publish":
            return _publish(course, back=url_for("courses.edit", slug=course.slug, path=path))
        if action == "save":
            flash(_("Draft saved. It is not published yet."), "success")
        else:
            preview = drafts.preview(course, path, form.text.data)
    elif request.method == "GET":
        preview = drafts.saved_preview(course, path)
    return render_template(
        "courses/edit.html", course=course, path=path, form=form, preview=preview,
        files=sorted(drafts.markdown_files(course)), drafted=drafts.drafts(course),
    )  # fmt: skip


@bp.post("/<slug>/publish")
@requires("publish_courses")
def publish(slug: str):
    """Publish the drafts: first the decisions on quizzes whose grading changed, if anyone
    passed them; then the new version."""
    course = services.course_for_staff(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _publish(course, back=url_for("courses.review", slug=course.slug))


def _publish(course, back: str):
    """Publish, or show the problems (at `back`) or the decisions to make first."""
    plan = services.publish_plan(current_user, course)
    if plan.problems:
        flash(_("Not published: the course has problems (listed below). Your draft is saved."), "error")
        return redirect(back)
    decided = request.form.get("decided") == "1"
    if plan.needs_decisions and not decided:
        return render_template("courses/decide.html", course=course, plan=plan, form=EmptyForm())
    retake = {change.key for change in plan.changes if request.form.get(f"decision-{change.key}") == "retake"}
    try:
        outcome = services.publish_drafts(current_user, course, retake, request.form.get("fingerprint", ""))
    except services.DraftsChanged:
        flash(_("The drafts changed meanwhile. Check the quizzes again before publishing."), "error")
        return render_template("courses/decide.html", course=course, plan=plan, form=EmptyForm())
    except CourseInvalid:  # found only while rendering (a lesson over the time budget): now listed
        flash(_("Not published: the course has problems (listed below). Your draft is saved."), "error")
        return redirect(back)
    _flash_outcome(outcome)
    return redirect(url_for("courses.versions", slug=course.slug))


@bp.post("/<slug>/discard")
@requires("publish_courses")
def discard(slug: str):
    """Throw away unpublished changes."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    course = services.course_for_staff(slug)
    published = course.live_version_id is not None
    drafts.discard_drafts(current_user, course)
    flash(_("Unpublished changes were discarded."), "info")
    return redirect(url_for("courses.versions", slug=slug) if published else url_for("courses.index"))


@bp.post("/<slug>/owners")
@requires("publish_courses")
def add_owner(slug: str):
    """Let another trainer co-own the course."""
    course, form = services.course_for_staff(slug), OwnerForm()
    if form.validate_on_submit():
        try:
            added = owners.add_owner(current_user, course, form.phone.data)
        except owners.OwnerError as error:
            flash(str(error), "error")
        else:
            flash(_("%(name)s can now edit and publish this course.", name=added.name), "success")
    else:
        flash(" ".join(form.phone.errors) or _("Type the trainer's mobile number."), "error")
    return redirect(url_for("courses.versions", slug=slug))


@bp.post("/<slug>/owners/<int:user_id>/remove")
@requires("publish_courses")
def remove_owner(slug: str, user_id: int):
    """Take someone off the course's owners."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    owners.remove_owner(current_user, services.course_for_staff(slug), user_id)
    flash(_("Removed from the owners of this course."), "info")
    return redirect(url_for("courses.versions", slug=slug))


@bp.post("/<slug>/<any(unpublish, republish):action>")
@requires("publish_courses")
def set_listed(slug: str, action: str):
    """Take the course away from learners, or give it back (everything they did stays)."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    course = services.course_for_staff(slug)
    if action == "unpublish":
        services.unpublish(current_user, course)
        flash(
            _("Unpublished: learners no longer see this course. Their progress and certificates stay."),
            "info",
        )
    else:
        services.republish(current_user, course)
        flash(_("Published again: learners see this course."), "success")
    return redirect(url_for("courses.versions", slug=slug))


def _flash_outcome(outcome) -> None:
    """Say whether a new version was made."""
    if outcome.created:
        flash(_("Published version %(number)d.", number=outcome.version.number), "success")
    else:
        flash(_("Nothing changed: version %(number)d stays live.", number=outcome.version.number), "info")
