"""Uploads that must fail clearly and write nothing: course .zip archives and CSV files of
people (the web import and a batch's import), oversized, damaged, badly encoded or
reaching outside their folder.

Covered elsewhere and not repeated here: `../` and absolute paths, symbolic links, a file
that is no .zip at all, the course size and file-count limits and a zip bomb whose sizes
are declared honestly (tests/courses/test_web.py); a people CSV that is too large or not
.csv, and a regions CSV that is not UTF-8 or starts with a byte-order mark
(tests/people/)."""

import codecs
import io
import struct
import zipfile
from datetime import date

import pytest

from lms.auth.models import User
from lms.batches.services import create_batch
from lms.courses.models import Course
from lms.extensions import db
from lms.jobs.models import Job
from tests.conftest import AuthActions
from tests.courses.samples import COURSE_MD, LESSON_ONE, course_files
from tests.courses.test_web import make_zip, own, publish_drafts, upload
from tests.security.state import database_rows, instance_files


def written() -> tuple:
    """The database and instance/ files: what an upload could have written (signing in to
    upload opens a sign-in, which is not the upload's doing)."""
    return database_rows(skip=frozenset({"sign_in"})), instance_files()


# --- sizes over MAX_CONTENT_LENGTH: a page in the user's language, nothing written ---

TOO_LARGE = {"en": "File too large", "bn": "ফাইলটি খুব বড়", "hi": "फ़ाइल बहुत बड़ी है"}


@pytest.mark.parametrize("lang", sorted(TOO_LARGE))
def test_an_upload_over_the_size_limit_gets_a_page_in_the_users_language(
    lang, app, make_user, world, sample_course
):
    trainer = make_user("trainer", region=world.kolkata, lang=lang)
    head = make_user("cell_head", region=world.kolkata, lang=lang)
    batch = create_batch(trainer, sample_course.course_id, "B", "", date(2026, 12, 1), world.kolkata.id)
    app.config["MAX_CONTENT_LENGTH"] = 4096
    big = b"x" * 10_000
    uploads = [
        (trainer, "/courses/upload", {"archive": (io.BytesIO(big), "c.zip")}),
        (head, "/people/import", {"file": (io.BytesIO(big), "p.csv")}),
        (trainer, f"/batches/{batch.id}/members", {"file": (io.BytesIO(big), "p.csv")}),
    ]
    for user, url, data in uploads:
        client = app.test_client()
        AuthActions(client).login(user)
        before = written()
        response = client.post(url, data=data)
        assert response.status_code == 413, url
        assert TOO_LARGE[lang] in response.get_data(as_text=True), url
        assert written() == before, url


# --- course archives ---


def patched(
    data: bytes, member: str, *, size: int | None = None, method: int | None = None, flags: int = 0
) -> bytes:
    """An archive whose headers for `member` say another size, compression or encryption."""
    data, name = bytearray(data), member.encode()
    for signature, offsets in ((b"PK\x03\x04", (8, 22, 6)), (b"PK\x01\x02", (10, 24, 8))):
        start = 0
        while (start := data.find(signature, start)) != -1:
            name_at = start + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                method_at, size_at, flags_at = (start + offset for offset in offsets)
                if method is not None:
                    struct.pack_into("<H", data, method_at, method)
                if size is not None:
                    struct.pack_into("<I", data, size_at, size)
                struct.pack_into("<H", data, flags_at, struct.unpack_from("<H", data, flags_at)[0] | flags)
            start += 4
    return bytes(data)


def deflated(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in files.items():
            archive.writestr(f"safe-accounts/{path}", data)
    return buffer.getvalue()


def corrupted(data: bytes, member: str) -> bytes:
    """Flip bytes inside the member's compressed data (its headers stay intact)."""
    data = bytearray(data)
    start = data.find(member.encode()) + len(member)  # its local header's name: the data follows
    for index in range(start + 8, start + 16):
        data[index] ^= 0xFF
    return bytes(data)


DAMAGED = "the .zip archive is damaged or encrypted: it cannot be read"
LEAVES = "this path leaves the course folder"
NOT_UTF8 = "the file is not UTF-8 text"
LARGE_LESSON = course_files(**{"01-passwords.md": LESSON_ONE + "\n" + "padding " * 20_000})
BAD_ARCHIVES = {
    "backslashes up": (make_zip({**course_files(), "..\\..\\evil.md": b"x"}, folder=""), LEAVES),
    "backslashes inside": (make_zip({**course_files(), "safe-accounts\\..\\..\\evil.md": b"x"}, folder=""), LEAVES),
    "a drive letter": (make_zip({**course_files(), "C:\\evil.md": b"x"}, folder=""), LEAVES),
    "a drive, slashed": (make_zip({**course_files(), "C:/evil.md": b"x"}, folder=""), LEAVES),
    "a network path": (make_zip({**course_files(), "\\\\server\\share\\evil.md": b"x"}, folder=""), LEAVES),
    "up from images/": (make_zip({**course_files(), "images/../../../evil.png": b"x"}), LEAVES),
    "a size header that lies": (patched(deflated(LARGE_LESSON), "safe-accounts/01-passwords.md", size=100), DAMAGED),
    "damaged compressed data": (corrupted(deflated(LARGE_LESSON), "safe-accounts/course.md"), DAMAGED),
    "an encrypted file": (patched(make_zip(course_files()), "safe-accounts/course.md", flags=0x1), DAMAGED),
    "an unknown compression": (patched(make_zip(course_files()), "safe-accounts/course.md", method=99), DAMAGED),
    "a cut-off archive": (make_zip(course_files())[:300], "the upload is not a .zip archive"),
    "an empty file": (b"", "the upload is not a .zip archive"),
}  # fmt: skip
# Archives that read well but hold a broken course: they become drafts, reviewed, never published.
BROKEN_COURSES = {
    "an empty archive": (make_zip({}), "course.md:1</code> course.md is missing"),
    "UTF-16 Markdown": (make_zip(course_files(**{"course.md": codecs.BOM_UTF16_LE + COURSE_MD.encode("utf-16-le")})), f"course.md:1</code></a> {NOT_UTF8}"),
    "Windows-1252 Markdown": (make_zip(course_files(**{"02-phishing.md": "---\ntitle: Caf\xe9\n---\n".encode("cp1252")})), f"02-phishing.md:1</code></a> {NOT_UTF8}"),
}  # fmt: skip


@pytest.fixture
def trainer_client(client, auth, world, sample_course):
    """The Kolkata trainer, signed in, owning the sample course live at version 1."""
    own(world, sample_course)
    auth.login(world.trainer_kol)
    return client


@pytest.mark.parametrize("case", sorted(BAD_ARCHIVES))
def test_a_bad_course_archive_is_refused_clearly_and_writes_nothing(case, trainer_client):
    archive, message = BAD_ARCHIVES[case]
    before = written()
    response = upload(trainer_client, archive, name="safe-accounts.zip", course="safe-accounts")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert message in page and "found; nothing was uploaded" in page, case
    assert written() == before


@pytest.mark.parametrize("case", sorted(BROKEN_COURSES))
def test_a_broken_course_is_reviewed_with_its_problems_and_never_published(case, trainer_client):
    archive, message = BROKEN_COURSES[case]
    response = upload(trainer_client, archive, course="safe-accounts")
    assert response.headers["Location"] == "/courses/safe-accounts/review"
    assert message in trainer_client.get("/courses/safe-accounts/review").get_data(as_text=True), case
    publish_drafts(trainer_client)
    assert db.session.execute(db.select(Course)).scalar_one().live_version.number == 1


def test_only_a_zip_archive_is_taken(trainer_client):
    before = written()
    response = upload(trainer_client, make_zip(course_files()), name="c.tar.gz", course="safe-accounts")
    assert "Choose a .zip file." in response.get_data(as_text=True)
    assert written() == before


def test_markdown_with_a_utf8_byte_order_mark_is_published(trainer_client, sample_course):
    files = course_files(
        **{"course.md": codecs.BOM_UTF8 + COURSE_MD.replace("safe accounts", "safer accounts").encode()}
    )
    assert upload(trainer_client, make_zip(files), course="safe-accounts").status_code == 302
    publish_drafts(trainer_client)
    assert db.session.execute(db.select(Course)).scalar_one().live_version.number == 2


# --- CSV files of people ---

ROWS = "name,phone,region\nJosé,9830011111,B-KOL-1\n"
BAD_CSV = {
    "Windows-1252": (ROWS.encode("cp1252"), f"people.csv:2: {NOT_UTF8}"),
    "UTF-16 with its mark": (codecs.BOM_UTF16_LE + ROWS.encode("utf-16-le"), f"people.csv:1: {NOT_UTF8}"),
    "binary junk": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), f"people.csv:1: {NOT_UTF8}"),
    "NUL characters": (
        ROWS.replace("region", "region\x00").encode(),
        "people.csv:1: unknown column(s): region",
    ),
    "an empty file": (b"", "people.csv:1: missing column(s): name, phone, region"),
    "only the header": (b"name,phone,region\n", "people.csv:1: the file has no data rows"),
    "an open quote": (b'name,phone,region\n"Jose,9830011111,B-KOL-1\n', "unexpected end of data"),
    "a huge field": (
        f"name,phone,region\n{'A' * 200_000},9830011111,B-KOL-1\n".encode(),
        "field larger than field limit",
    ),
}
CSV_ROUTES = {"people import": "/people/import", "batch import": "/batches/{batch}/members"}


@pytest.fixture
def csv_upload(app, client, auth, world, sample_course):
    """Post a CSV file to one of the imports as its natural user (cell head / batch leader)."""
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "B", "", date(2026, 12, 1), world.kolkata.id
    )

    def post(route: str, data: bytes, filename: str = "people.csv"):
        auth.login(world.head_kol if route == "people import" else world.trainer_kol)
        return client.post(
            CSV_ROUTES[route].format(batch=batch.id), data={"file": (io.BytesIO(data), filename)}
        )

    return post


@pytest.mark.parametrize("route", sorted(CSV_ROUTES))
@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_a_bad_csv_file_is_refused_clearly_and_registers_nobody(case, route, csv_upload):
    data, message = BAD_CSV[case]
    before = written()
    response = csv_upload(route, data)
    assert response.status_code in (200, 400)
    page = response.get_data(as_text=True)
    assert message in page and "found; nobody was registered" in page, page
    assert written() == before


@pytest.mark.parametrize("route", sorted(CSV_ROUTES))
def test_too_many_rows_are_refused(route, csv_upload, app):
    app.config["IMPORT_MAX_ROWS"] = 2
    rows = "".join(f"P{n},98300{n:05d},B-KOL-1\n" for n in range(1, 5))
    before = written()
    page = csv_upload(route, f"name,phone,region\n{rows}".encode()).get_data(as_text=True)
    assert (
        "people.csv:4: more than 2 rows: one import takes at most 2; split the file into smaller ones" in page
    )
    assert written() == before


@pytest.mark.parametrize("route", sorted(CSV_ROUTES))
def test_a_file_over_the_default_cap_is_refused_before_anything_is_hashed(
    route, csv_upload, app, monkeypatch
):
    """Issue 25, finding 3: the importer took 100,000 rows; one import now takes IMPORT_MAX_ROWS."""
    from lms.people import services

    assert app.config["IMPORT_MAX_ROWS"] == 2_000
    monkeypatch.setattr(services, "_issue", lambda *args: pytest.fail("a password was made"))
    rows = "".join(f"P{n},9{n:09d},B-KOL-1\n" for n in range(2_001))
    page = csv_upload(route, f"name,phone,region\n{rows}".encode()).get_data(as_text=True)
    assert "people.csv:2002: more than 2,000 rows: one import takes at most 2,000" in page


@pytest.mark.parametrize("route", sorted(CSV_ROUTES))
@pytest.mark.parametrize("ending", ["\n", "\r\n", "\r"], ids=["LF", "CRLF", "CR"])
def test_rows_are_counted_as_the_reader_reads_them_whatever_the_line_endings(route, ending, csv_upload, app):
    """Issue 25, finding 4: a file with CR alone counted as one row and ran inside the request."""
    inline = app.config["JOBS_INLINE_MAX"]
    rows = ending.join(f"P{n},98300{n:05d},B-KOL-1" for n in range(1, inline + 2))
    response = csv_upload(route, f"name,phone,region{ending}{rows}{ending}".encode())
    assert response.status_code == 302 and response.headers["Location"].startswith("/jobs/")
    job = db.session.execute(db.select(Job)).scalar_one()
    assert job.title == f"Registering {inline + 1} people" and job.state == "done", job.error


def test_uploads_of_people_are_limited_per_account(app, client, auth, world, sample_course):
    """Issue 25, finding 5: member-CSV validation answered for any number, with no limit."""
    app.config["IMPORT_LIMIT_PER_ACCOUNT"] = "2 per hour"
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "B", "", date(2026, 12, 1), world.kolkata.id
    )

    def upload_as_head(path: str) -> int:
        return client.post(path, data={"file": (io.BytesIO(ROWS.encode()), "people.csv")}).status_code

    auth.login(world.head_kol)
    assert 429 not in [upload_as_head(f"/batches/{batch.id}/members") for _ in range(2)]
    assert upload_as_head(f"/batches/{batch.id}/members") == 429
    assert upload_as_head("/people/import") == 429  # one budget for both forms
    assert client.get("/people/import").status_code == 200  # reading the form costs nothing
    client.post("/logout")
    auth.login(world.admin)  # another account has its own
    assert upload_as_head("/people/import") != 429


@pytest.mark.parametrize("route", sorted(CSV_ROUTES))
def test_utf8_with_a_byte_order_mark_is_read_and_the_file_name_is_only_a_label(route, csv_upload):
    response = csv_upload(route, codecs.BOM_UTF8 + ROWS.encode(), filename="../../../../evil.csv")
    assert response.status_code == 302 and response.headers["Location"].startswith("/people/sheets/")
    assert db.session.execute(db.select(User.name).filter_by(phone="9830011111")).scalar_one() == "José"
    token = response.headers["Location"].rsplit("/", 1)[1]
    assert sorted(instance_files()) == [f"sheets/{token}.csv", f"sheets/{token}.pdf"]  # nothing else
