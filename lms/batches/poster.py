"""The printable batch poster: join code and a QR code to the join page."""

from flask_babel import force_locale

from lms.batches.models import Batch
from lms.core.pdf import render_pdf
from lms.core.qr import qr_data_uri
from lms.courses.models import CourseVersion


def poster_pdf(batch: Batch, version: CourseVersion, url: str) -> bytes:
    """An A4 poster for the training room wall, in the course's language (whoever prints it:
    the room reads the course's language)."""
    code = f"{batch.join_code[:3]} {batch.join_code[3:]}"
    with force_locale(version.lang):
        return render_pdf(
            "batches/poster.html", batch=batch, version=version, url=url, code=code, qr=qr_data_uri(url)
        )
