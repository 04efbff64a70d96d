"""Certificates: issuing and revoking (cell heads, admins), their artwork, downloads, public verification."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from lms.auth.permissions import may, requires
from lms.batches import services as batches
from lms.certificates import artwork as art
from lms.certificates import downloads, services
from lms.certificates import jobs as certificate_jobs
from lms.certificates.forms import ArtForm, RevokeForm, VerifyForm
from lms.certificates.pdf import RenderFailed, verify_url
from lms.config import address_for_this_machine_only
from lms.core.forms import EmptyForm
from lms.core.ids import as_id, id_number, page_number
from lms.core.readable import format_code
from lms.extensions import limiter
from lms.jobs import services as jobs
from lms.people.labels import region_kind
from lms.people.regions import find_region, picker

bp = Blueprint("certificates", __name__)


def verify_limit() -> str:
    """Verification lookups per address, so codes cannot be enumerated."""
    return current_app.config["VERIFY_LIMIT_PER_ADDRESS"]


@bp.errorhandler(RenderFailed)
def render_failed(error):
    """A full disk or unwritable instance/ folder: say so; nothing was half-written."""
    current_app.logger.error("certificate rendering failed: %s", error)
    return render_template("certificates/render_failed.html"), 503


def filters() -> dict:
    """The eligibility filters from the query string."""
    region = find_region(request.args.get("region", "").strip()) if request.args.get("region") else None
    return {
        "course_id": request.args.get("course", type=id_number),
        "batch_id": request.args.get("batch", type=id_number),
        "region": region,
        "search": request.args.get("q", ""),
    }


@bp.get("/certificates/")
@login_required
def index():
    """My certificates; for cell heads and admins also who is eligible and what was issued."""
    context = {
        "mine": services.my_certificates(current_user),
        "waiting": services.waiting_for_certificate(current_user),
        "form": EmptyForm(),
        "format_code": format_code,
    }
    if may(current_user, "issue_certificates"):
        found, per_page = filters(), current_app.config["USERS_PER_PAGE"]
        issued, valid_count = services.issued_page(
            current_user, request.args.get("page", 1, type=page_number), per_page, **found
        )
        context |= {
            "address_warning": address_for_this_machine_only(current_app),
            "missing_art": art.missing_for(current_user) if may(current_user, "set_certificate_art") else [],
            "eligible": services.eligible_page(
                current_user, request.args.get("ready", 1, type=page_number), per_page, **found
            ),
            "issued": issued,
            "valid_count": valid_count,
            "courses": services.certificate_courses(),
            **picker(current_user, request.args.get("region_q", "")),
        }
    return render_template("certificates/index.html", **context)


@bp.post("/certificates/issue")
@requires("issue_certificates")
def issue():
    """Issue the selected certificates, or all eligible under the current filters."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    if request.form.get("all"):
        pairs = [(item.user.id, item.course.id) for item in services.eligible(current_user, **filters())]
    else:
        pairs = [pair for value in request.form.getlist("pair") if (pair := _pair(value))]
    if not pairs:
        flash(_("Tick at least one person to issue a certificate to."), "error")
        return redirect(url_for("certificates.index", **request.args))
    if len(pairs) > 1 and not request.form.get("confirmed"):  # many at once: ask first
        people = services.issue_preview(current_user, pairs)
        return render_template(
            "certificates/confirm_issue.html", people=people, count=len(people),
            everyone=bool(request.form.get("all")), chosen=request.form.getlist("pair"), form=EmptyForm(),
        )  # fmt: skip
    if not jobs.inline(len(pairs)):
        job = certificate_jobs.start_issue(current_user, pairs)
        return redirect(url_for("jobs.job", job_id=job.id))
    issued, skipped = services.issue(current_user, pairs)
    if issued:
        flash(ngettext("%(num)d certificate issued.", "%(num)d certificates issued.", len(issued)), "success")
    if skipped:
        flash(
            ngettext(
                "%(num)d was skipped: already certified or not eligible.",
                "%(num)d were skipped: already certified or not eligible.",
                skipped,
            ),
            "info",
        )
    return redirect(url_for("certificates.index", **request.args))


def _pair(value: str) -> tuple[int, int] | None:
    """A `user:course` checkbox value as two ids, or None when it is not one."""
    parts = [as_id(part) for part in value.split(":")]
    return (parts[0], parts[1]) if len(parts) == 2 and None not in parts else None


@bp.get("/certificates/<code>.pdf")
@login_required
def download(code: str):
    """The certificate PDF: its holder, a cell head in scope, or an admin."""
    cert, path = downloads.certificate_pdf(current_user, code)
    return send_file(path, mimetype="application/pdf", as_attachment=True, download_name=f"{cert.serial}.pdf")


@bp.route("/certificates/<code>/revoke", methods=["GET", "POST"])
@login_required
def revoke(code: str):
    """Revoke with a reason (cell heads in scope, admins); the record stays."""
    cert = services.certificate_to_manage(current_user, code)
    form = RevokeForm()
    if form.validate_on_submit():
        try:
            services.revoke(current_user, code, form.category.data, form.reason.data)
        except services.CertificateError as error:
            form.reason.errors.append(str(error))
        else:
            flash(_("Certificate %(serial)s revoked.", serial=cert.serial), "success")
            return redirect(url_for("certificates.index"))
    return render_template("certificates/revoke.html", cert=cert, form=form)


@bp.route("/batches/<int:batch_id>/certificates.zip", methods=["GET", "POST"])
@login_required
def batch_zip(batch_id: int):
    """Every valid certificate of a batch in one ZIP: a few at once, many as a background job
    (its page offers the ZIP when done)."""
    batch = batches.get_batch(current_user, batch_id)
    ids = downloads.batch_certificates(current_user, batch)
    name = f"batch-{batch.join_code}-certificates.zip"
    return _zip(ids, name, back=url_for("batches.detail", batch_id=batch.id))


@bp.post("/certificates/zip")
@requires("issue_certificates")
def selection_zip():
    """The valid certificates shown under the current filters, in one ZIP."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    found = filters()
    ids = downloads.selected_certificates(
        current_user, found["course_id"], found["batch_id"], found["region"]
    )
    return _zip(ids, "certificates.zip", back=url_for("certificates.index", **request.args))


def _zip(ids: list[int], name: str, back: str):
    """Stream a small ZIP; offer (GET) or start (POST) a job for a large one."""
    if jobs.inline(len(ids)):
        response = Response(stream_with_context(downloads.zip_stream(ids)), mimetype="application/zip")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    if request.method == "GET":
        return render_template("certificates/zip_start.html", count=len(ids), back=back, form=EmptyForm())
    if not EmptyForm().validate_on_submit():
        abort(400)
    return redirect(url_for("jobs.job", job_id=certificate_jobs.start_zip(current_user, ids, name).id))


@bp.post("/certificates/prepare")
@requires("issue_certificates")
def prepare():
    """Render the PDFs of the certificates shown ahead of downloads, as a background job."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    found = filters()
    ids = downloads.selected_certificates(
        current_user, found["course_id"], found["batch_id"], found["region"]
    )
    return redirect(url_for("jobs.job", job_id=certificate_jobs.start_render(current_user, ids).id))


@bp.post("/certificates/<code>/reissue")
@login_required
def reissue(code: str):
    """Revoke a certificate printed with a corrected name and issue it again."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    old = services.certificate_to_manage(current_user, code)
    try:
        new = services.reissue(current_user, code)
    except services.CertificateError as error:
        flash(str(error), "error")
    else:
        flash(
            _(
                "Certificate %(old)s revoked; %(new)s issued with the corrected name.",
                old=old.serial,
                new=new.serial,
            ),
            "success",
        )
    return redirect(url_for("people.detail", user_id=old.user_id))


# One budget for every way of looking a certificate up (by code or by serial), counted before
# the look-up; the empty form is free.
verify_budget = limiter.shared_limit(
    verify_limit,
    scope="verify",
    exempt_when=lambda: request.endpoint == "certificates.verify_form" and not request.args,
)


@bp.get("/verify")
@verify_budget
def verify_form():
    """Type a code (or a serial number) to check a certificate."""
    form = VerifyForm(request.args)
    if request.args and form.validate():
        serial = services.as_serial(form.code.data)
        if serial is None:
            return redirect(url_for("certificates.verify", code=services.normalise_code(form.code.data)))
        # By serial the page is shown here, without the code or its address: serials are
        # sequential, and the code stays what only the certificate's holder can show.
        return _verify_page(services.find_by_serial(serial), serial, show_code=False)
    return render_template("certificates/verify_form.html", form=form)


@bp.get("/verify/<code>")
@verify_budget
def verify(code: str):
    """Public: valid, revoked (when and why) or unknown. Never a phone number."""
    return _verify_page(services.find_by_code(code), code, show_code=True)


def _verify_page(cert, typed: str, show_code: bool):
    """The check of a certificate (or 404 for none): with its code and address only when
    it was found by its code."""
    url = verify_url(cert.code) if cert and show_code else None
    page = render_template(
        "certificates/verify.html", cert=cert, code=typed, url=url, format_code=format_code,
        revoke_categories=services.REVOKE_CATEGORIES,
    )  # fmt: skip
    return page, 200 if cert else 404


@bp.route("/certificates/artwork", methods=["GET", "POST"])
@requires("set_certificate_art")
def artwork():
    """The emblems and signatures in use in the area; upload one for a place."""
    form = ArtForm()
    form.place.choices = [SelectChoice(place.code, place_label(place)) for place in art.places(current_user)]
    if form.validate_on_submit():
        try:
            art.upload(
                current_user, form.kind.data, form.place.data, form.picture.data.read(), form.signatory.data
            )
        except art.ArtError as error:
            for field, message in error.problems.items():
                form[field].errors.append(str(message))
        else:
            flash(_("Saved. Certificates issued from now on print it."), "success")
            return redirect(url_for("certificates.artwork"))
    return render_template(
        "certificates/artwork.html", form=form, in_use=art.in_use(current_user), kinds=art.ART_KINDS,
        remove_form=EmptyForm(),
    )  # fmt: skip


def place_label(place: art.Place) -> str:
    """How a place reads in the list: a region's name and kind, or the whole programme."""
    if place.region is None:
        return _("The whole programme (where no region has its own)")
    return f"{place.region.name} ({region_kind(place.region.kind)})"


@bp.post("/certificates/artwork/<int:art_id>/remove")
@requires("set_certificate_art")
def remove_artwork(art_id: int):
    """Stop printing an emblem or signature on new certificates."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        art.retire(current_user, art_id)
    except art.ArtError as error:
        flash(str(error), "error")
    else:
        flash(_("Removed. Certificates already issued keep it."), "success")
    return redirect(url_for("certificates.artwork"))


@bp.get("/certificates/artwork/<int:art_id>.png")
@requires("set_certificate_art")
def artwork_picture(art_id: int):
    """The stored picture, as it prints."""
    picture = art.art_to_view(current_user, art_id)
    response = Response(picture.png, mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=86400"  # never changes once stored
    return response
