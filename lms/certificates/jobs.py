"""Certificate work too large for one request, as background jobs: a ZIP of many
certificates, issuing to many people, rendering many PDFs. Each can run again after its
worker was killed: PDFs already recorded are reused, certificates are never issued twice."""

import zipfile

from flask_babel import gettext as _
from flask_babel import ngettext

from lms.auth.models import User
from lms.certificates import services
from lms.certificates.downloads import rendered_pdf
from lms.certificates.pdf import RenderFailed
from lms.core.files import atomic_path
from lms.extensions import db
from lms.jobs import services as jobs
from lms.jobs.models import Job
from lms.jobs.registry import JobFailed

ZIP = "certificates.zip"


def start_zip(actor: User, ids: list[int], download_name: str) -> Job:
    """A job building a ZIP of these certificates."""
    title = ngettext("ZIP of %(num)d certificate", "ZIP of %(num)d certificates", len(ids))
    return jobs.start(
        actor, "certificates.zip", title, {"ids": ids, "download_name": download_name}, len(ids)
    )


def start_issue(actor: User, pairs: list[tuple[int, int]]) -> Job:
    """A job issuing certificates to these (person, course) pairs."""
    title = ngettext("Issuing %(num)d certificate", "Issuing %(num)d certificates", len(pairs))
    return jobs.start(
        actor, "certificates.issue", title, {"pairs": [list(pair) for pair in pairs]}, len(pairs)
    )


def start_render(actor: User, ids: list[int]) -> Job:
    """A job rendering these certificates' PDFs ahead of downloads."""
    title = ngettext("Preparing %(num)d certificate PDF", "Preparing %(num)d certificate PDFs", len(ids))
    return jobs.start(actor, "certificates.render", title, {"ids": ids}, len(ids))


def build_zip(job: Job, progress) -> dict:
    """Render what is missing (each recorded as soon as written), then write the ZIP whole."""
    ids = job.params["ids"]
    progress.total(len(ids))
    paths = []
    for certificate_id in ids:
        paths.append(_render(certificate_id))
        progress.add(1)
    with (
        atomic_path(jobs.folder(job) / ZIP) as partial,
        zipfile.ZipFile(partial, "w", zipfile.ZIP_STORED) as archive,
    ):
        for serial, path in paths:
            archive.write(path, arcname=f"{serial}.pdf")
    summary = ngettext("%(num)d certificate in the ZIP.", "%(num)d certificates in the ZIP.", len(ids))
    return {"file": ZIP, "download_name": job.params["download_name"], "summary": [summary],
            "file_label": _("Download the ZIP")}  # fmt: skip


def render_all(job: Job, progress) -> dict:
    """Render and record every PDF not yet current."""
    ids = job.params["ids"]
    progress.total(len(ids))
    for certificate_id in ids:
        _render(certificate_id)
        progress.add(1)
    return {
        "summary": [
            ngettext("%(num)d certificate PDF is ready.", "%(num)d certificate PDFs are ready.", len(ids))
        ]
    }


def issue_all(job: Job, progress) -> dict:
    """Issue to every pair still eligible; each certificate counts in its own transaction, so a
    job run again after a kill counts each exactly once (pairs it issued before are skipped)."""
    pairs = [tuple(pair) for pair in job.params["pairs"]]
    services.issue(job.created_by, pairs, each=lambda _certificate: progress.add(1, with_work=True))
    db.session.refresh(job)
    issued, skipped = job.done, job.total - job.done
    lines = [ngettext("%(num)d certificate issued.", "%(num)d certificates issued.", issued)]
    if skipped:
        lines.append(
            ngettext(
                "%(num)d was skipped: already certified or not eligible.",
                "%(num)d were skipped: already certified or not eligible.",
                skipped,
            )
        )
    return {"summary": lines, "link_endpoint": "certificates.index", "link_label": _("See the certificates")}


def _render(certificate_id: int) -> tuple[str, object]:
    """(serial, PDF path), or the job fails saying why (a full disk)."""
    try:
        certificate, path = rendered_pdf(certificate_id)
    except RenderFailed as failed:
        raise JobFailed(
            _("The certificates could not be saved on the server (disk full or folder not writable).")
        ) from failed
    return certificate.serial, path
