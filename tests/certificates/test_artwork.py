"""Emblems and signatures on certificates: uploaded per region or for the programme, checked,
scoped, frozen into each certificate, and laid out on the page."""

import io
import re

import pytest
from PIL import Image
from sqlalchemy.exc import IntegrityError

from lms.auth.audit import AuditEvent
from lms.certificates import artwork, services
from lms.certificates.models import CertificateArt
from lms.certificates.pdf import render_certificate
from lms.core.errors import NotFound
from lms.core.images import PictureRefused, clean_picture
from lms.extensions import db
from tests.certificates.conftest import complete
from tests.pdfs import poppler
from tests.pictures import picture

MB = 1_000_000


def images_in(pdf: bytes) -> list[tuple[int, int]]:
    """(width, height) of each uploaded picture drawn in the PDF (pdfimages -list): the RGB
    ones, as uploads are stored, not the greyscale QR code."""
    rows = [row.split() for row in poppler(pdf, "pdfimages", "-list", "{path}").splitlines()[2:]]
    return [(int(row[3]), int(row[4])) for row in rows if row[2] == "image" and row[5] == "rgb"]


def issue_to(world, user, version):
    [cert], _ = services.issue(world.admin, [(user.id, version.course_id)])
    return cert


# The picture check -----------------------------------------------------------------------


def test_png_and_jpeg_are_re_encoded_as_png_without_their_metadata():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0112] = 6  # orientation: turned 90°, as phones store portrait photos
    jpeg = picture(400, 100, "JPEG", exif=exif.tobytes())
    cleaned = clean_picture(jpeg, 2 * MB, (1200, 1200))
    assert cleaned.png.startswith(b"\x89PNG")
    assert (cleaned.width, cleaned.height) == (100, 400)  # turned upright
    assert b"PhoneMaker" not in cleaned.png and not Image.open(io.BytesIO(cleaned.png)).getexif()
    transparent = clean_picture(picture(300, 120), 2 * MB, (1200, 1200))
    assert Image.open(io.BytesIO(transparent.png)).mode == "RGBA"


def test_pictures_are_kept_at_their_printed_size():
    """A 1,200-pixel picture cost ~90 ms in every certificate's PDF (issue 17)."""
    cleaned = clean_picture(picture(3000, 1000, "JPEG"), 2 * MB, (800, 240))
    assert (cleaned.width, cleaned.height) == (720, 240)
    assert artwork.PRINT_BOXES == {
        "emblem": (710, 260),
        "signature": (800, 240),
    }  # 300 dpi of certificate.css


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"name,phone\n", "Only PNG or JPEG pictures can be used."),
        (picture(fmt="GIF"), "Only PNG or JPEG pictures can be used."),
        (picture(fmt="WEBP"), "Only PNG or JPEG pictures can be used."),
        (picture()[:200], "The picture is damaged and cannot be read."),
        (picture(fmt="JPEG")[:-300], "The picture is damaged and cannot be read."),
        (picture(30, 200), "The picture is too small to print clearly (30 × 200 pixels)."),
        (b"\x89PNG" + b"0" * (2 * MB), "The file is larger than 2 MB."),
    ],
)
def test_what_is_refused_says_why(app, data, message):
    import weasyprint  # noqa: F401 (it tells Pillow to accept cut-off pictures, process-wide)

    with app.test_request_context(), pytest.raises(PictureRefused) as refused:
        clean_picture(data, 2 * MB, (1200, 1200))
    assert str(refused.value) == message


def test_a_decompression_bomb_is_refused_before_it_is_decoded(app):
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, "PNG")  # 48 million pixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    with app.test_request_context(), pytest.raises(PictureRefused) as refused:
        clean_picture(out.getvalue(), 2 * MB, (1200, 1200))
    assert str(refused.value) == "The picture is too large (8000 × 6000 pixels)."


# Who may set them, where --------------------------------------------------------------------


def test_cell_heads_set_their_region_and_the_places_below_admins_also_the_programme(world):
    kolkata_places = [place.code for place in artwork.places(world.head_kol)]
    assert kolkata_places[0] == "WB-KOL" and "AC-1" in kolkata_places and "" not in kolkata_places
    assert "WB-DAR" not in kolkata_places
    admin_places = [place.code for place in artwork.places(world.admin)]
    assert admin_places[:2] == ["", "WB"] and {"WB-KOL", "WB-DAR"} <= set(admin_places)
    for code in ("WB-DAR", "", "WB", "NOWHERE"):
        with pytest.raises(NotFound):
            artwork.upload(world.head_kol, "emblem", code, picture())
    with pytest.raises(NotFound):
        artwork.upload(world.trainer_kol, "emblem", "WB-KOL", picture())
    assert artwork.upload(world.head_kol, "emblem", "AC-1", picture()).region == world.booth.parent


def test_a_signature_needs_the_words_printed_under_it(world):
    with pytest.raises(artwork.ArtError):
        artwork.upload(world.head_kol, "signature", "WB-KOL", picture(), "   ")
    art = artwork.upload(world.head_kol, "signature", "WB-KOL", picture(), " Head  Kolkata, Cell head ")
    assert art.signatory == "Head Kolkata, Cell head"
    event = db.session.execute(
        db.select(AuditEvent).filter_by(action="certificate_art.signature")
    ).scalar_one()
    assert event.actor_id == world.head_kol.id and event.subject == "WB-KOL"


def test_one_in_use_per_kind_and_place_even_for_racing_uploads(world):
    first = artwork.upload(world.admin, "emblem", "", picture())
    second = artwork.upload(world.admin, "emblem", "", picture(colour=(200, 0, 0)))
    db.session.refresh(first)
    assert first.retired_at is not None and second.retired_at is None
    for region_id in (None, world.kolkata.id):
        if region_id:
            artwork.upload(world.head_kol, "emblem", "WB-KOL", picture())
        db.session.add(
            CertificateArt(
                kind="emblem", region_id=region_id, png=b"x", width=1, height=1, uploaded_by_id=world.admin.id
            )
        )
        with pytest.raises(IntegrityError):  # what a second, racing upload meets
            db.session.flush()
        db.session.rollback()


# What certificates print ------------------------------------------------------------------


def test_each_certificate_prints_the_nearest_art_above_its_holder_and_keeps_it(world, sample_course):
    programme = artwork.upload(world.admin, "emblem", "", picture(250, 250))
    kolkata = artwork.upload(world.head_kol, "emblem", "WB-KOL", picture(200, 200))
    signature = artwork.upload(world.admin, "signature", "", picture(600, 150), "Ritwik Sen, Administrator")
    complete(world.sahayak_kol, sample_course)
    complete(world.sahayak_dar, sample_course)
    in_kolkata, in_darjeeling = (
        issue_to(world, world.sahayak_kol, sample_course),
        issue_to(world, world.sahayak_dar, sample_course),
    )
    assert (
        in_kolkata.snapshot["emblem_id"] == kolkata.id and in_darjeeling.snapshot["emblem_id"] == programme.id
    )
    assert in_kolkata.snapshot["signature_id"] == signature.id == in_darjeeling.snapshot["signature_id"]
    pdf = render_certificate(in_kolkata)
    assert sorted(images_in(pdf)) == [(200, 200), (600, 150)]
    assert "Ritwik Sen, Administrator" in poppler(pdf, "pdftotext", "{path}", "-")

    artwork.upload(world.head_kol, "emblem", "WB-KOL", picture(150, 150))  # replaced…
    artwork.retire(world.admin, signature.id)  # …and removed, after it was issued
    assert sorted(images_in(render_certificate(in_kolkata))) == [(200, 200), (600, 150)]
    services.revoke(world.admin, in_kolkata.code, "error", "test")
    again = issue_to(world, world.sahayak_kol, sample_course)
    assert again.snapshot["signature_id"] is None
    pdf = render_certificate(again)
    assert images_in(pdf) == [(150, 150)]
    assert "Issued by" in poppler(pdf, "pdftotext", "{path}", "-")  # the issuer in its place


def test_certificates_from_before_artwork_keep_the_issuers_signature_file(app, graduates, sample_course):
    from pathlib import Path

    cert = issue_to(graduates, graduates.sahayak_kol, sample_course)
    del cert.snapshot["signature_id"], cert.snapshot["emblem_id"], cert.snapshot["signatory"]
    folder = Path(app.instance_path) / "signatures"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{cert.issued_by_id}.png").write_bytes(picture(500, 120))
    assert images_in(render_certificate(cert)) == [(500, 120)]


def test_the_layout_uses_the_whole_page(graduates, sample_course):
    """Issue 16: the lower half of the certificate was empty."""
    artwork.upload(graduates.admin, "emblem", "", picture(400, 400))
    artwork.upload(graduates.admin, "signature", "", picture(600, 150), "Ritwik Sen")
    cert = issue_to(graduates, graduates.sahayak_kol, sample_course)
    page = poppler(render_certificate(cert), "pdftotext", "-bbox", "{path}", "-")
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', page).group(1))
    tops = {word: float(top) for top, word in re.findall(r'yMin="([\d.]+)"[^>]*>([^<]+)</word>', page)}
    assert tops["Digital"] < height * 0.25  # the programme's name near the top, under the emblem
    assert height * 0.3 < tops[graduates.sahayak_kol.name.split()[0]] < height * 0.6  # the name mid-page
    for word in (cert.serial, "Sen", "/verify/" + cert.code):
        found = [top for text, top in tops.items() if word in text]
        assert found and found[0] > height * 0.7, word  # the facts, signature and check along the foot


# The pages ---------------------------------------------------------------------------------


def test_a_cell_head_is_told_and_uploads_from_the_web(client, auth, world):
    auth.login(world.head_kol)
    page = client.get("/certificates/").get_data(as_text=True)
    assert "print no emblem and no signature yet" in page and 'href="/certificates/artwork"' in page
    assert "You have no certificate yet" not in page  # staff are not told to complete a course
    form = client.get("/certificates/artwork").get_data(as_text=True)
    assert 'value="WB-KOL"' in form and 'value="WB-DAR"' not in form and '<option value="">' not in form
    data = {"kind": "emblem", "place": "WB-KOL", "picture": (io.BytesIO(picture(fmt="JPEG")), "emblem.jpg")}
    response = client.post("/certificates/artwork", data=data, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Saved. Certificates issued from now on print it." in html
    [art] = artwork.in_use(world.head_kol)
    assert f'src="/certificates/artwork/{art.id}.png"' in html
    picture_response = client.get(f"/certificates/artwork/{art.id}.png")
    assert picture_response.mimetype == "image/png" and picture_response.data.startswith(b"\x89PNG")
    assert "print no signature yet" in client.get("/certificates/").get_data(as_text=True)


def test_a_refused_picture_says_why_in_the_readers_language(client, auth, world):
    auth.login(world.head_kol)
    client.post("/language", data={"lang": "bn"})
    data = {"kind": "emblem", "place": "WB-KOL", "picture": (io.BytesIO(b"GIF89a not really"), "emblem.png")}
    html = client.post("/certificates/artwork", data=data).get_data(as_text=True)
    assert "PNG" in html and "Only PNG or JPEG pictures can be used." not in html
    assert 'class="error"' in html and artwork.in_use(world.head_kol) == []
    data = {"kind": "signature", "place": "WB-KOL", "picture": (io.BytesIO(b"not a picture"), "sign.png")}
    html = client.post("/certificates/artwork", data=data).get_data(as_text=True)
    assert 'id="picture-error"' in html and 'id="signatory-error"' in html  # both told at once
    assert artwork.in_use(world.head_kol) == []


def test_the_place_of_another_area_is_not_found(client, auth, world):
    auth.login(world.head_kol)
    data = {"kind": "emblem", "place": "WB-DAR", "picture": (io.BytesIO(picture()), "emblem.png")}
    assert client.post("/certificates/artwork", data=data).status_code == 404
    dar = artwork.upload(world.head_dar, "emblem", "WB-DAR", picture())
    assert client.get(f"/certificates/artwork/{dar.id}.png").status_code == 404
    assert client.post(f"/certificates/artwork/{dar.id}/remove").status_code == 404
    assert "WB-DAR" not in client.get("/certificates/artwork").get_data(as_text=True)
