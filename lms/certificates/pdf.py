"""Certificate PDFs: rendered once per template version, kept under instance/certificates/."""

import base64
import hashlib
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from lms.certificates.artwork import png_of
from lms.certificates.models import Certificate
from lms.core.files import PRIVATE_FILE, private_folder, write_atomic
from lms.core.links import public_url
from lms.core.pdf import render_pdf
from lms.core.qr import qr_print_png_data_uri
from lms.core.readable import format_code
from lms.extensions import db
from lms.people.labels import role_name

TEMPLATE = "certificates/certificate.html"
STYLESHEET = "certificates/certificate.css"
LABELS = {
    "org": _l("Digital Sahayak programme"),
    "title": _l("Certificate of completion"),
    "certifies": _l("This certifies that"),
    "completed": _l("has completed the course"),
    "date": _l("Date"),
    "region": _l("Region"),
    "issuer": _l("Issued by"),
    "serial": _l("Serial number"),
    "verify": _l("Check this certificate at"),
    "code": _l("Verification code"),
}


class RenderFailed(Exception):
    """The PDF could not be written; nothing was left half-written."""


@cache
def template_version(folder: str) -> str:
    """A short hash of the template and stylesheet: a restyle makes new files."""
    digest = hashlib.sha256()
    for name in (TEMPLATE, STYLESHEET):
        digest.update((Path(folder) / name).read_bytes())
    return digest.hexdigest()[:10]


def current_version() -> str:
    return template_version(current_app.template_folder)


def verify_url(code: str) -> str:
    """The public verification URL printed and encoded in the QR code."""
    return public_url("certificates.verify", code=code)


@cache
def labels_in(lang: str, role: str) -> dict:
    """The printed labels and the issuer's role in one language (translations never change
    while the process runs, so each combination is looked up once)."""
    with force_locale(lang):
        return {key: str(text) for key, text in LABELS.items()} | {"role": role_name(role)}


def render_certificate(cert: Certificate) -> bytes:
    """The PDF for one certificate, from its snapshot alone."""
    snap = cert.snapshot
    lang = snap["course_lang"]
    labels = {code: labels_in(code, snap["issuer_role"]) for code in {"en", lang}}
    url = verify_url(cert.code)
    return render_pdf(
        TEMPLATE,
        STYLESHEET,
        basic_html=True,
        cert=cert,
        snap=snap,
        lang=lang,
        labels=labels,
        url=url,
        qr=qr_print_png_data_uri(url),
        code=format_code(cert.code),  # grouped as /verify asks for it
        emblem=art_uri(snap.get("emblem_id")),
        signature=art_uri(snap.get("signature_id")) if "signature_id" in snap else legacy_signature_uri(cert),
    )


def art_uri(art_id: int | None) -> str | None:
    """An emblem or signature as a data: URI, if the certificate has one."""
    png = png_of(art_id) if art_id else None
    return "data:image/png;base64," + base64.b64encode(png).decode() if png else None


def legacy_signature_uri(cert: Certificate) -> str | None:
    """For certificates issued before artwork was uploaded on the site: the issuer's
    instance/signatures/<issuer id>.png that versions before it printed, if it is there."""
    path = Path(current_app.instance_path) / "signatures" / f"{cert.issued_by_id}.png"
    return path.as_uri() if path.is_file() else None


def pdf_path(cert: Certificate) -> Path:
    """Where this certificate's PDF lives for the current template."""
    return Path(current_app.instance_path) / "certificates" / f"{cert.code}-{current_version()}.pdf"


def ensure_pdf(cert: Certificate) -> Path:
    """The PDF file; if missing or stale, rendered and its checksum set on the certificate
    (flushes; the service that asked commits)."""
    path = pdf_path(cert)
    if path.is_file() and cert.pdf_template == current_version() and cert.pdf_sha256:
        return path
    digest = write_pdf(path, render_certificate(cert))
    cert.pdf_sha256, cert.pdf_template = digest, current_version()
    db.session.flush()
    return path


def write_pdf(path: Path, data: bytes) -> str:
    """Write atomically (temporary file, then rename); return the sha256."""
    try:
        private_folder(path.parent)
        write_atomic(path, data, mode=PRIVATE_FILE)
    except OSError as error:  # a full disk, or the folder itself could not be made
        raise RenderFailed(f"could not write {path}: {error.strerror or error}") from error
    return hashlib.sha256(data).hexdigest()
