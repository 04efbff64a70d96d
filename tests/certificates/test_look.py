"""What a certificate looks like, rasterised as a reader's viewer would: the QR code reads as
the check address, and the short user-agent stylesheet draws it as WeasyPrint's own does."""

import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops
from sqlalchemy.orm.attributes import flag_modified

import lms.certificates.pdf
from lms.certificates import artwork, services
from lms.certificates.pdf import render_certificate, verify_url
from lms.core.pdf import render_pdf
from lms.extensions import db
from tests.pictures import picture

COURSES = {  # a course title and a holder's name in each language's script
    "bn": ("নিরাপদ অ্যাকাউন্ট", "অনুপম মুখোপাধ্যায়"),
    "hi": ("सुरक्षित खाते", "राजेश कुमार शर्मा"),
    "en": ("Safe accounts", "Mary D'Souza"),
}


def raster(pdf: bytes, stem: Path, dpi: int = 100) -> Path:
    """The PDF's page as a PNG (pdftoppm), written beside `stem`.pdf."""
    stem.with_suffix(".pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", stem.with_suffix(".pdf"), stem], check=True
    )
    return stem.with_suffix(".png")


def qr_text(png: Path) -> str:
    """What a QR code reader finds in the picture (zbarimg)."""
    zbarimg = shutil.which("zbarimg")
    assert zbarimg, "zbarimg is missing: run scripts/system-deps test (apt-get install zbar-tools)"
    return subprocess.run(
        [zbarimg, "--quiet", "--raw", png], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def in_each_language(graduates, sample_course):
    """A certificate per language, printed with an emblem and a signature (the Kolkata
    sahayak's) or without (Darjeeling's: the issuer's name and role in two lines instead)."""
    artwork.upload(graduates.head_kol, "emblem", "WB-KOL", picture(400, 400))
    artwork.upload(graduates.head_kol, "signature", "WB-KOL", picture(600, 150), "Ritwik Sen")
    certs = []
    for lang, (title, name) in COURSES.items():
        for person in (graduates.sahayak_kol, graduates.sahayak_dar):
            [cert], _ = services.issue(graduates.admin, [(person.id, sample_course.course_id)])
            cert.snapshot |= {"course_lang": lang, "course_title": title, "name": name}
            flag_modified(cert, "snapshot")
            certs.append(cert)
            services.revoke(graduates.admin, cert.code, "error", "the next language")  # frees the pair
    db.session.commit()
    return certs


def test_the_qr_code_reads_as_the_check_address(in_each_language, tmp_path):
    for cert in in_each_language:
        page = raster(render_certificate(cert), tmp_path / "page", dpi=150)
        assert qr_text(page).strip() == verify_url(cert.code), cert.snapshot["course_lang"]


def test_the_short_user_agent_stylesheet_draws_certificates_as_weasyprints_own(
    in_each_language, tmp_path, monkeypatch
):
    """If the template takes an element BASIC_HTML_CSS does not style (a <br>, a <strong>),
    WeasyPrint's own stylesheet draws it differently and this fails."""
    basic = [render_certificate(cert) for cert in in_each_language]
    monkeypatch.setattr(
        lms.certificates.pdf, "render_pdf", lambda *args, basic_html, **context: render_pdf(*args, **context)
    )
    for cert, pdf in zip(in_each_language, basic, strict=True):
        drawn = Image.open(raster(pdf, tmp_path / "basic")).convert("RGB")
        expected = Image.open(raster(render_certificate(cert), tmp_path / "full")).convert("RGB")
        assert ImageChops.difference(drawn, expected).getbbox() is None, cert.snapshot["course_lang"]
