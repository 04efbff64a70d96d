"""Reading courses and taking quizzes: outline, lessons, quiz submissions, results, progress."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, user_logged_in

from lms.core.redirects import back
from lms.courses import services as courses
from lms.extensions import csrf, limiter
from lms.learning import lessons, quizforms, services

bp = Blueprint("learning", __name__)
PENDING = "pending_answers"


@bp.get("/courses/<slug>/")
@login_required
def course(slug: str):
    """The introduction, a progress bar and each lesson's state."""
    found = courses.get_course(slug)
    return render_template(
        "learning/course.html", course=found, progress=services.course_progress(current_user, found)
    )


@bp.get("/courses/<slug>/lessons/<lesson_slug>")
@login_required
def lesson(slug: str, lesson_slug: str):
    """A lesson with its quiz forms; opening it marks it read (only ever the reader's own
    progress, idempotent, so harmless on GET)."""
    tokens = dict(session.get("quiz_tokens", {}))
    page = lessons.open_lesson(current_user, slug, lesson_slug, tokens)
    if tokens != session.get("quiz_tokens"):
        session["quiz_tokens"] = tokens
    return render_template("learning/lesson.html", lesson=page.lesson, quizzes=page.quizzes)


@bp.post("/quizzes/submit")
@csrf.exempt  # the signed one-time attempt token, bound to the user, does CSRF's job and survives an expired session
@limiter.limit(
    lambda: current_app.config["PENDING_ANSWERS_LIMIT_PER_ADDRESS"],
    exempt_when=lambda: current_user.is_authenticated,
)
def submit():
    """Record a submission once; after an expired session keep the answers until sign-in."""
    token = request.form.get("token", "")
    if not current_user.is_authenticated:
        if quizforms.read_token(token) is None:
            abort(400)
        try:
            session[PENDING] = services.keep_pending(token, request.form, get_remote_address())
        except services.TooManyPending:
            flash(_("You were signed out. Sign in again, then send your answers again."), "error")
        else:
            flash(_("You were signed out. Sign in again and your answers will be recorded."), "info")
        return redirect(url_for("auth.login", next=url_for("learning.resume")))
    try:
        attempt = services.submit(
            current_user, token, lambda spec: quizforms.answers_from_form(spec, request.form)
        )
    except services.QuizRefused as refused:
        flash(str(refused), "error")
        return redirect(back())
    session.get("quiz_tokens", {}).pop(str(attempt.quiz_id), None)
    session.modified = True
    return redirect(url_for("learning.result", attempt_id=attempt.id))


def init_app(app) -> None:
    """Record answers kept across an expired session when their owner signs in."""
    user_logged_in.connect(record_pending_answers, app)


def record_pending_answers(_app, user, **_extra):
    """Answers posted while signed out are recorded as part of signing in (a POST)."""
    key = session.pop(PENDING, None)
    if key:
        attempt = services.submit_pending(user, key)
        if attempt is not None:
            session["resumed_attempt"] = attempt.id


@bp.get("/quizzes/resume")
@login_required
def resume():
    """Where sign-in leads after answers were kept: the recorded result, if any."""
    attempt_id = session.pop("resumed_attempt", None)
    if attempt_id is None:
        flash(_("Your earlier answers could not be recorded. Please take the quiz again."), "error")
        return redirect(url_for("main.home"))
    return redirect(url_for("learning.result", attempt_id=attempt_id))


@bp.get("/attempts/<int:attempt_id>")
@login_required
def result(attempt_id: int):
    """Score, pass or fail, each question right or wrong, feedback and the explanation."""
    attempt = services.attempt_for(current_user, attempt_id)
    return render_template("learning/result.html", **services.result_view(attempt))


@bp.get("/courses/<slug>/complete")
@login_required
def complete(slug: str):
    """The course is complete: what happens next (a cell head issues the certificate)."""
    found = courses.get_course(slug)
    completion = services.completion_of(current_user.id, found.id)
    if completion is None:
        return redirect(url_for("learning.course", slug=slug))
    return render_template(
        "learning/complete.html", course=found, version=found.live_version, completion=completion
    )


@bp.get("/progress")
@login_required
def progress():
    """The signed-in user's own progress in every course they started."""
    return render_template("learning/progress.html", rows=services.my_courses(current_user))
