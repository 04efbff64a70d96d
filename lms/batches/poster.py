"""The printable batch poster: join code and a QR code to the join page."""

import segno

from lms.batches.models import Batch
from lms.courses.models import CourseVersion
from lms.pdf import render_pdf


def qr_data_uri(url: str) -> str:
    """The URL as an SVG QR code, inlined (no file, no other host)."""
    return segno.make(url, error="m").svg_data_uri(scale=8, border=2)


def poster_pdf(batch: Batch, version: CourseVersion, url: str) -> bytes:
    """An A4 poster for the training room wall."""
    code = f"{batch.join_code[:3]} {batch.join_code[3:]}"
    return render_pdf(
        "batches/poster.html", batch=batch, version=version, url=url, code=code, qr=qr_data_uri(url)
    )
