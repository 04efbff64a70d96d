"""Certificate PDFs, downloads, ZIPs, public verification, rendering from the command line."""

import io
import zipfile
from datetime import date
from pathlib import Path

import pytest

from lms.batches.services import create_batch, join
from lms.certificates import services
from lms.certificates.models import Certificate
from lms.certificates.pdf import current_version, pdf_path
from lms.core import files
from lms.core.readable import format_code
from lms.extensions import db
from tests.certificates.conftest import complete
from tests.pdfs import embedded_fonts, poppler


def pdf_text(data: bytes) -> str:
    """The PDF's text, as a reader's copy-paste would give it (pdftotext)."""
    return poppler(data, "pdftotext", "-layout", "-enc", "UTF-8", "{path}", "-")


@pytest.fixture
def issued(graduates, sample_course):
    certs, _ = services.issue(
        graduates.admin,
        [
            (graduates.sahayak_kol.id, sample_course.course_id),
            (graduates.sahayak_dar.id, sample_course.course_id),
        ],
    )
    return certs


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("অনুপম মুখোপাধ্যায়", "LMS-Noto-Sans-Bengali"),
        ("राजेश कुमार शर्मा", "LMS-Noto-Sans-Devanagari"),
        ("Mary D'Souza", "LMS-Noto-Sans"),
    ],
)
def test_names_in_every_script_use_the_bundled_fonts(name, family, client, auth, graduates, sample_course):
    graduates.sahayak_kol.name = name
    db.session.commit()
    [cert], _ = services.issue(graduates.admin, [(graduates.sahayak_kol.id, sample_course.course_id)])
    auth.login(graduates.sahayak_kol)
    with client.get(f"/certificates/{cert.code}.pdf") as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        data = response.data
    fonts = embedded_fonts(data)
    assert any(font.startswith(family) for font in fonts) and all(
        font.startswith("LMS-") for font in fonts
    ), fonts
    text = pdf_text(data)
    assert cert.serial in text and f"http://127.0.0.1:8000/verify/{cert.code}" in "".join(text.split())
    if family == "LMS-Noto-Sans":
        assert name in text
    assert "Certificate of completion" in text  # English beside the course's language


def test_pdf_is_rendered_once_and_kept_with_its_checksum(client, auth, graduates, issued):
    cert = issued[0]
    auth.login(graduates.sahayak_kol)
    client.get(f"/certificates/{cert.code}.pdf").close()
    path = pdf_path(cert)
    db.session.expire_all()
    cert = db.session.get(Certificate, cert.id)
    assert path.is_file() and cert.pdf_template == current_version()
    import hashlib

    assert hashlib.sha256(path.read_bytes()).hexdigest() == cert.pdf_sha256
    stamp = path.stat().st_mtime_ns
    client.get(f"/certificates/{cert.code}.pdf").close()
    assert path.stat().st_mtime_ns == stamp  # not rendered again
    path.unlink()
    client.get(f"/certificates/{cert.code}.pdf").close()
    assert path.is_file()  # re-rendered when missing


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("sahayak_kol", 200),
        ("sahayak_dar", 404),
        ("trainer_kol", 404),
        ("head_kol", 200),
        ("head_dar", 404),
        ("admin", 200),
    ],
)
def test_who_may_download(who, status, client, auth, graduates, issued):
    auth.login(getattr(graduates, who))
    with client.get(f"/certificates/{issued[0].code}.pdf") as response:
        assert response.status_code == status


def test_disk_full_gives_a_clear_error_and_no_partial_file(client, auth, graduates, issued, monkeypatch, app):
    def full(path, data, mode):
        path.write_text("partial")  # what a full disk leaves behind
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(files, "_create", full)
    auth.login(graduates.sahayak_kol)
    response = client.get(f"/certificates/{issued[0].code}.pdf")
    assert response.status_code == 503 and "could not be saved" in response.get_data(as_text=True)
    folder = Path(app.instance_path) / "certificates"
    assert not folder.exists() or list(folder.iterdir()) == []
    db.session.expire_all()
    assert db.session.get(Certificate, issued[0].id).pdf_sha256 is None


@pytest.fixture
def unwritable_store(app) -> Path:
    """instance/certificates/ cannot be created: a file is in its way (root ignores modes)."""
    blocker = Path(app.instance_path) / "certificates"
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")
    return blocker


def test_unwritable_instance_gives_a_clear_error(client, auth, graduates, issued, unwritable_store):
    auth.login(graduates.sahayak_kol)
    response = client.get(f"/certificates/{issued[0].code}.pdf")
    assert response.status_code == 503 and "could not be saved" in response.get_data(as_text=True)
    assert unwritable_store.read_text() == "not a folder"
    db.session.expire_all()
    assert db.session.get(Certificate, issued[0].id).pdf_sha256 is None


def test_cli_render_into_unwritable_instance_says_where_and_records_nothing(runner, issued, unwritable_store):
    result = runner.invoke(args=["certificates", "render", "--all", "--workers", "1"])
    assert result.exit_code == 1
    assert f"could not write {unwritable_store}/" in result.output
    assert "Traceback" not in result.output
    db.session.expire_all()
    assert all(db.session.get(Certificate, cert.id).pdf_sha256 is None for cert in issued)


def test_cell_head_issues_from_the_web_selected_and_all(client, auth, graduates, sample_course, make_user):
    extra = [make_user(region=graduates.kolkata, name=f"Extra {n}") for n in range(3)]
    for person in extra:
        complete(person, sample_course)
    auth.login(graduates.head_kol)
    page = client.get("/certificates/").get_data(as_text=True)
    assert "Sahayak Kolkata" in page and "Sahayak Darjeeling" not in page
    client.post("/certificates/issue", data={"pair": f"{graduates.sahayak_kol.id}:{sample_course.course_id}"})
    assert [c.user_id for c in db.session.execute(db.select(Certificate)).scalars()] == [
        graduates.sahayak_kol.id
    ]
    asked = client.post("/certificates/issue", data={"all": "1"}).get_data(as_text=True)
    assert "Issue 3 certificates?" in asked and "Extra 0" in asked  # asked first: nothing issued yet
    assert db.session.execute(db.select(db.func.count(Certificate.id))).scalar() == 1
    assert 'name="confirmed" value="1"' in asked and 'name="all" value="1"' in asked
    response = client.post("/certificates/issue", data={"all": "1", "confirmed": "1"}, follow_redirects=True)
    assert "3 certificates issued." in response.get_data(as_text=True)
    again = client.post(
        "/certificates/issue",
        data={"pair": f"{graduates.sahayak_kol.id}:{sample_course.course_id}"},
        follow_redirects=True,
    )
    assert "1 was skipped" in again.get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Certificate.id))).scalar() == 4


def test_only_issuers_issue(client, auth, graduates, sample_course):
    auth.login(graduates.trainer_kol)
    assert client.post("/certificates/issue", data={"all": "1"}).status_code == 403
    assert "Ready for a certificate" not in client.get("/certificates/").get_data(as_text=True)


def test_public_verification_valid_revoked_unknown(client, auth, graduates, issued):
    cert = issued[0]
    page = client.get(f"/verify/{format_code(cert.code).lower()}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "This certificate is valid." in html and "Sahayak Kolkata" in html
    assert graduates.sahayak_kol.phone not in html and 'property="og:title"' in html
    assert (
        client.get("/verify", query_string={"code": cert.code}).headers["Location"] == f"/verify/{cert.code}"
    )
    unknown = client.get("/verify/AAAAABBBBBCCCCC")
    assert (
        unknown.status_code == 404
        and "No certificate has this code or serial number." in unknown.get_data(as_text=True)
    )
    auth.login(graduates.head_kol)
    response = client.post(
        f"/certificates/{cert.code}/revoke",
        data={"category": "misconduct", "reason": "Name misspelt, and copied answers"},
    )
    assert response.status_code == 302
    auth.logout()
    html = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    # Issue 16: the public page says when and the category; the issuer's words stay internal.
    assert "This certificate was revoked on" in html and "Reason: misconduct" in html
    assert "Name misspelt" not in html and "copied answers" not in html


def test_verification_is_rate_limited(make_app):
    app = make_app(VERIFY_LIMIT_PER_ADDRESS="3 per minute")
    with app.app_context():
        client = app.test_client()
        for n in range(3):
            assert client.get(f"/verify/AAAAABBBBBCCCC{n}").status_code == 404
        assert client.get("/verify/AAAAABBBBBCCCCD").status_code == 429


def test_codes_and_serials_share_one_verification_budget(make_app):
    """Issue 25, finding 12: /verify and /verify/<code> had a budget each (twice the limit)."""
    app = make_app(VERIFY_LIMIT_PER_ADDRESS="4 per minute")
    with app.app_context():
        client = app.test_client()
        assert client.get("/verify").status_code == 200  # the empty form costs nothing
        for n in range(2):
            assert client.get(f"/verify/AAAAABBBBBCCCC{n}").status_code == 404
            assert client.get(f"/verify?code=DS-2026-00000{n + 1}").status_code == 404
        assert client.get("/verify?code=DS-2026-000009").status_code == 429
        assert client.get("/verify/AAAAABBBBBCCCCD").status_code == 429


def test_batch_zip_streams_every_valid_certificate(client, auth, graduates, sample_course, issued):
    batch = create_batch(
        graduates.trainer_kol, sample_course.course_id, "B", "", date(2026, 12, 1), graduates.kolkata.id
    )
    join(graduates.sahayak_kol, batch)
    auth.login(graduates.head_kol)
    with client.get(f"/batches/{batch.id}/certificates.zip") as response:
        assert response.status_code == 200 and response.mimetype == "application/zip"
        data = response.data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == [f"{issued[0].serial}.pdf"]
        assert archive.read(f"{issued[0].serial}.pdf").startswith(b"%PDF")
    auth.logout()
    auth.login(graduates.sahayak_kol)
    assert client.get(f"/batches/{batch.id}/certificates.zip").status_code == 404


def test_cli_renders_missing_then_all_in_parallel(runner, graduates, issued):
    result = runner.invoke(args=["certificates", "render", "--workers", "2"])
    assert result.exit_code == 0, result.output
    assert "2 certificate PDF(s) rendered." in result.output
    assert all(pdf_path(cert).is_file() for cert in issued)
    db.session.expire_all()
    assert all(db.session.get(Certificate, cert.id).pdf_sha256 for cert in issued)
    assert (
        "0 certificate PDF(s) rendered." in runner.invoke(args=["certificates", "render", "--missing"]).output
    )
    assert "2 certificate PDF(s) rendered." in runner.invoke(args=["certificates", "render", "--all"]).output


def test_a_retried_zip_download_renders_nothing_again(
    client, auth, graduates, sample_course, issued, monkeypatch
):
    # The streamed body runs after the view's session is gone: each PDF must still be recorded.
    batch = create_batch(
        graduates.trainer_kol, sample_course.course_id, "B", "", date(2026, 12, 1), graduates.kolkata.id
    )
    join(graduates.sahayak_kol, batch)
    auth.login(graduates.head_kol)
    first = client.get(f"/batches/{batch.id}/certificates.zip").data
    db.session.expire_all()
    recorded = db.session.get(Certificate, issued[0].id)
    assert recorded.pdf_sha256 and recorded.pdf_template == current_version()
    renders = []
    monkeypatch.setattr("lms.certificates.pdf.render_certificate", lambda cert: renders.append(cert) or b"")
    again = client.get(f"/batches/{batch.id}/certificates.zip").data
    assert renders == [] and again == first


def test_zip_is_produced_piece_by_piece(app, issued):
    from lms.certificates.downloads import zip_stream

    pieces = zip_stream([cert.id for cert in issued])
    first = next(pieces)
    assert (
        first.startswith(b"PK") and len(first) > 1000
    )  # the first PDF goes out before the second is rendered
    assert not pdf_path(issued[1]).exists()
    rest = b"".join(pieces)
    with zipfile.ZipFile(io.BytesIO(first + rest)) as archive:
        assert archive.namelist() == [f"{cert.serial}.pdf" for cert in issued]


def test_filters_by_course_and_region(client, auth, graduates, sample_course):
    auth.login(graduates.admin)
    page = client.get("/certificates/", query_string={"course": sample_course.course_id}).get_data(
        as_text=True
    )
    assert "Sahayak Kolkata" in page and "Sahayak Darjeeling" in page and "selected>নিরাপদ অ্যাকাউন্ট" in page
    page = client.get("/certificates/", query_string={"region": "WB-DAR"}).get_data(as_text=True)
    assert "Sahayak Darjeeling" in page and "Sahayak Kolkata" not in page
    page = client.get("/certificates/", query_string={"course": 999}).get_data(as_text=True)
    assert "Nobody in your area is waiting for a certificate." in page


def test_issuing_nothing_says_so_and_several_are_confirmed_first(
    client, auth, graduates, sample_course, make_user
):
    other = make_user(region=graduates.kolkata, name="Other graduate")
    complete(other, sample_course)
    auth.login(graduates.head_kol)
    nothing = client.post("/certificates/issue", data={}, follow_redirects=True).get_data(as_text=True)
    assert "Tick at least one person" in nothing and "certificates issued" not in nothing
    pairs = [f"{user.id}:{sample_course.course_id}" for user in (graduates.sahayak_kol, other)]
    asked = client.post("/certificates/issue", data={"pair": pairs}).get_data(as_text=True)
    assert "Issue 2 certificates?" in asked and "Other graduate" in asked and "Sahayak Kolkata" in asked
    assert all(f'name="pair" value="{pair}"' in asked for pair in pairs) and 'name="all"' not in asked
    assert db.session.execute(db.select(Certificate)).first() is None
    done = client.post("/certificates/issue", data={"pair": pairs, "confirmed": "1"}, follow_redirects=True)
    assert "2 certificates issued." in done.get_data(as_text=True)


def test_the_confirmation_never_names_someone_out_of_scope(client, auth, graduates, sample_course):
    auth.login(graduates.head_kol)
    pairs = [
        f"{user.id}:{sample_course.course_id}" for user in (graduates.sahayak_kol, graduates.sahayak_dar)
    ]
    asked = client.post("/certificates/issue", data={"pair": pairs}).get_data(as_text=True)
    assert "Issue 1 certificate?" in asked and "Sahayak Darjeeling" not in asked


def test_certificate_lists_are_paged_and_searchable(app, client, auth, graduates, sample_course, make_user):
    app.config["USERS_PER_PAGE"] = 2
    people = [make_user(region=graduates.kolkata, name=f"Graduate {n}") for n in range(5)]
    for person in people:
        complete(person, sample_course)
    auth.login(graduates.head_kol)
    page = client.get("/certificates/").get_data(as_text=True)
    assert "Issue to all 6 shown" in page and "Page 1 of 3" in page  # 5 graduates and the sahayak
    assert page.count('name="pair"') == 2
    found = client.get("/certificates/", query_string={"q": "graduate 3"}).get_data(as_text=True)
    assert "Issue to all 1 shown" in found and "Graduate 3" in found
    done = client.post(
        "/certificates/issue", query_string={"q": "graduate"}, data={"all": "1", "confirmed": "1"}
    )
    assert done.status_code == 302
    assert (
        db.session.execute(db.select(db.func.count(Certificate.id))).scalar() == 5
    )  # only the names searched
    issued = client.get("/certificates/", query_string={"page": 3}).get_data(as_text=True)
    assert "ZIP of the 5 valid certificates shown" in issued and "Page 3 of 3" in issued
    serial = db.session.execute(db.select(Certificate.serial).order_by(Certificate.id)).scalars().first()
    by_serial = client.get("/certificates/", query_string={"q": serial.lower()}).get_data(as_text=True)
    assert serial in by_serial


def test_the_certificate_filter_finds_regions_by_name(client, auth, graduates):
    auth.login(graduates.head_kol)
    page = client.get("/certificates/", query_string={"region_q": "b-kol"}).get_data(as_text=True)
    assert 'type="radio" name="region" value="B-KOL-1"' in page
    outside = client.get("/certificates/", query_string={"region_q": "WB-DAR"}).get_data(as_text=True)
    assert "No region in your area matches" in outside
    client.post("/language", data={"lang": "bn"})
    bengali = client.get("/certificates/", query_string={"region_q": "b-kol"}).get_data(as_text=True)
    assert 'বুথ · <span translate="no">B-KOL-1</span>' in bengali  # the region's kind in the reader's language


def test_verify_takes_the_serial_number_too_without_giving_away_the_code(client, graduates, issued):
    """Issue 16: the serial (DS-2026-000123) could not be checked on /verify. It can now, exactly
    (any case, spaces around); the page then shows neither the code nor its address."""
    cert = issued[0]
    page = client.get("/verify", query_string={"code": f"  {cert.serial.lower()} "})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "This certificate is valid." in html and cert.serial in html
    assert cert.code not in html and format_code(cert.code) not in html and "og:url" not in html
    near = cert.serial[:-1] + ("9" if cert.serial[-1] != "9" else "8")
    assert client.get("/verify", query_string={"code": near}).status_code == 404


def test_the_pdf_prints_the_code_grouped_as_verify_asks_for_it(client, auth, graduates, issued):
    from tests.pdfs import poppler

    cert = issued[0]
    auth.login(graduates.sahayak_kol)
    response = client.get(f"/certificates/{cert.code}.pdf")
    pdf = response.data
    response.close()
    text = poppler(pdf, "pdftotext", "-layout", "{path}", "-")
    assert format_code(cert.code) in "".join(text.split())  # letter-spaced: read apart
    assert f"/verify/{cert.code}" in text.replace("\n", "")


def test_dates_are_in_words_with_each_languages_digits(client, graduates, issued):
    """Issue 16: dates were ISO (2026-11-29) on the PDF and the verify page."""
    from sqlalchemy.orm.attributes import flag_modified

    from tests.pdfs import poppler

    cert = issued[0]
    cert.snapshot["issued_on"] = "2026-11-29"
    flag_modified(cert, "snapshot")
    db.session.commit()
    client.post("/language", data={"lang": "bn"})
    page = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert "২৯ নভেম্বর ২০২৬" in page and "29 November 2026" in page and "2026-11-29" not in page
    client.post("/language", data={"lang": "hi"})
    assert "२९ नवंबर २०२६" in client.get(f"/verify/{cert.code}").get_data(as_text=True)
    from lms.certificates.pdf import render_certificate

    text = poppler(render_certificate(cert), "pdftotext", "{path}", "-")
    assert "২৯" in text and "২০২৬" in text and "29 November 2026" in text and "2026-11-29" not in text
