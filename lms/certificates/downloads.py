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
from lms.clock import utcnow
from lms.errors import NotFound
from lms.extensions import db

# One PDF renders in well under a second even on a busy machine; a renderer killed mid-way
# holds its certificate no longer than this (the next one waits that long, then renders).
CLAIM = timedelta(seconds=15)
WAIT = 0.2  # seconds between looks while another process renders the same PDF


def rendered_pdf(certificate_id: int) -> tuple[Certificate, Path]:
    """A certificate and its PDF file, rendered and recorded now if missing or stale (commits)."""
    while True:
        certificate = db.session.get(Certificate, certificate_id)
        db.session.refresh(certificate)
        path = pdf_path(certificate)
        if _current(certificate, path):
            return certificate, path
        if _claim(certificate_id):
            db.session.refresh(certificate)  # rendered by someone else just before the claim?
            rendered = not _current(certificate, path)
            if rendered:
                path = ensure_pdf(certificate)
            certificate.pdf_claimed_until = None
            db.session.commit()
            if rendered:  # said once recorded: a worker killed before the commit never says it
                current_app.logger.info("rendered certificate %s (recorded)", certificate.serial)
            return certificate, path
        time.sleep(WAIT)  # someone else is rendering it


def _current(certificate: Certificate, path: Path) -> bool:
    """Whether the certificate's PDF is on disk and recorded for the current template."""
    return path.is_file() and certificate.pdf_template == current_version() and bool(certificate.pdf_sha256)


def _claim(certificate_id: int) -> bool:
    """Take the right to render this PDF (atomically, committed); False if someone holds it."""
    now = utcnow()
    free = or_(Certificate.pdf_claimed_until.is_(None), Certificate.pdf_claimed_until < now)
    taken = db.session.execute(
        update(Certificate)
        .where(Certificate.id == certificate_id, free)
        .values(pdf_claimed_until=now + CLAIM)
        .returning(Certificate.id)
        .execution_options(synchronize_session=False)
    ).first()
    db.session.commit()
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
