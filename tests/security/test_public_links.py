"""Every address the site prints or encodes in a QR code is built on PUBLIC_BASE_URL, never on
the Host a request names (issue 25, finding 9: `Host: evil.example` gave a poster whose QR
code sent a whole room to http://evil.example/join/…)."""

import re
from datetime import date
from pathlib import Path

from lms.batches.services import create_batch
from lms.core.links import public_url
from tests.certificates.test_look import qr_text, raster
from tests.conftest import PASSWORD
from tests.pdfs import poppler

ROOT = Path(__file__).resolve().parents[2]
ABSOLUTE = re.compile(r"_external\s*=\s*True|url_root|host_url|request\.url\b")
HELPER = ROOT / "lms" / "links.py"


def test_the_posters_qr_code_and_address_ignore_the_host_header(
    app, client, auth, world, sample_course, tmp_path
):
    app.config["PUBLIC_BASE_URL"] = "https://sahayak.example"
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "B", "", date(2026, 12, 1), world.kolkata.id
    )
    evil = "http://evil.example"  # every request of this browser names that Host
    client.post("/login", data={"phone": world.trainer_kol.phone, "password": PASSWORD}, base_url=evil)
    pdf = client.get(f"/batches/{batch.id}/poster.pdf", base_url=evil).data
    assert pdf.startswith(b"%PDF")
    expected = f"https://sahayak.example/join/{batch.join_code}"
    assert qr_text(raster(pdf, tmp_path / "poster", dpi=150)).strip() == expected
    assert "evil.example" not in poppler(pdf, "pdftotext", "{path}", "-")


def test_public_addresses_keep_the_configured_path_and_ignore_the_request(app):
    app.config["PUBLIC_BASE_URL"] = "https://example.org/lms/"
    with app.test_request_context("/", base_url="http://evil.example/mounted"):
        assert public_url("certificates.verify", code="ABCDE") == "https://example.org/lms/verify/ABCDE"
        assert public_url("auth.login") == "https://example.org/lms/login"


def test_no_template_or_module_builds_an_absolute_address_but_the_helper():
    """A grep over the templates and the code (the PDF builders among them)."""
    found = []
    for path in sorted([*ROOT.joinpath("templates").rglob("*.html"), *ROOT.joinpath("lms").rglob("*.py")]):
        if path == HELPER:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if ABSOLUTE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "build printed addresses with lms.core.links.public_url:\n" + "\n".join(found)
