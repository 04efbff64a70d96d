"""Certificate PDFs and ZIPs of them: each PDF rendered once, however many ask at once.

A PDF is rendered under a claim on its certificate (a time stamp set atomically), so two
workers, or a worker and a web request, never render the same certificate together; the
second waits for the first. The checksum is recorded with the file, so nothing is rendered
again until the certificate template changes."""

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, update

from lms.auth.models import Region, User
from lms.auth.permissions import may
from lms.batches.models import Batch
from lms.certificates.archive import stream_zip
from lms.certificates.models import Certificate
from lms.certificates.pdf import current_version, ensure_pdf, pdf_path
from lms.certificates.services import certificate_for, issued_in_scope
from lms.core.clock import utcnow
from lms.core.errors import NotFound
from lms.core.transactions import apart, own_transaction
from lms.extensions import db

# One PDF renders in well under a second even on a busy machine; a renderer killed mid-way
# holds its certificate no longer than this (the next one waits that long, then renders).
CLAIM = timedelta(seconds=15)
WAIT = 0.2  # seconds between looks while another process renders the same PDF


def rendered_pdf(certificate_id: int) -> tuple[Certificate, Path]:
    """A certificate and its PDF file, rendered and recorded now if missing or stale, in a
    transaction of its own (a ZIP records each PDF as it goes: a retried download renders
    nothing twice)."""
    while True:
        certificate = db.session.get(Certificate, certificate_id)
        db.session.refresh(certificate)
        path = pdf_path(certificate)
        if _current(certificate, path):
            return certificate, path
        if _claim(certificate_id):
            return _render_claimed(certificate)
        time.sleep(WAIT)  # someone else is rendering it


def _render_claimed(certificate: Certificate) -> tuple[Certificate, Path]:
    """Render the PDF of a certificate this process holds the claim of, unless someone did
    just before the claim; record it and let the claim go."""
    with own_transaction():
        db.session.refresh(certificate)
        path = pdf_path(certificate)
        rendered = not _current(certificate, path)
        if rendered:
            path = ensure_pdf(certificate)
        certificate.pdf_claimed_until = None
    if rendered:  # said once recorded: a worker killed before the commit never says it
        current_app.logger.info("rendered certificate %s (recorded)", certificate.serial)
    return certificate, path


def _current(certificate: Certificate, path: Path) -> bool:
    """Whether the certificate's PDF is on disk and recorded for the current template."""
    return path.is_file() and certificate.pdf_template == current_version() and bool(certificate.pdf_sha256)


def _claim(certificate_id: int) -> bool:
    """Take the right to render this PDF (atomically, committed at once where every worker
    sees it); False if someone holds it."""
    now = utcnow()
    free = or_(Certificate.pdf_claimed_until.is_(None), Certificate.pdf_claimed_until < now)
    with apart() as connection:
        taken = connection.execute(
            update(Certificate)
            .where(Certificate.id == certificate_id, free)
            .values(pdf_claimed_until=now + CLAIM)
            .returning(Certificate.id)
        ).first()
    return taken is not None


def certificate_pdf(actor: User, code: str) -> tuple[Certificate, Path]:
    """A certificate the actor may see, and its PDF."""
    return rendered_pdf(certificate_for(actor, code).id)


def batch_certificates(actor: User, batch: Batch) -> list[int]:
    """Ids of a batch's valid certificates (NotFound unless the actor issues them there)."""
    if not may(actor, "issue_certificates", batch.region):
        raise NotFound
    return [cert.id for cert in issued_in_scope(actor, batch.id) if cert.revoked_at is None]


def selected_certificates(
    actor: User, course_id: int | None, batch_id: int | None, region: Region | None
) -> list[int]:
    """Ids of the valid certificates the actor issues, as filtered on the certificates page."""
    if not may(actor, "issue_certificates"):
        raise NotFound
    found = issued_in_scope(actor, batch_id, course_id, region)
    return [cert.id for cert in found if cert.revoked_at is None]


def zip_stream(ids: list[int]) -> Iterator[bytes]:
    """The certificates as a ZIP, streamed while it is built (a few: larger ones are jobs)."""
    return stream_zip(ids, _serial_and_pdf)


def _serial_and_pdf(certificate_id: int) -> tuple[str, Path]:
    """(serial, PDF file) of one certificate."""
    certificate, path = rendered_pdf(certificate_id)
    return certificate.serial, path
