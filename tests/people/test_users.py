"""Creating and importing users: command line and web, all-or-nothing, inside scope."""

import csv
import io
from pathlib import Path

import pytest

from lms.auth.models import User
from lms.extensions import db
from lms.people.models import PasswordSheet
from lms.people.services import OPTIONAL_USER_COLUMNS, USER_COLUMNS
from tests.pdfs import embedded_fonts


def users() -> dict[str, User]:
    return {u.phone: u for u in db.session.execute(db.select(User)).scalars()}


def test_cli_create_asks_password_twice_on_stdin(runner, world):
    args = ["users", "create", "--phone", "+91 94330 11111", "--name", "শ্যামল দে", "--role", "trainer"]
    result = runner.invoke(
        args=[*args, "--region", "WB-KOL", "--lang", "bn"], input="long-secret\nlong-secret\n"
    )
    assert result.exit_code == 0, result.output
    user = users()["9433011111"]
    assert (user.name, user.role, user.lang, user.region.code) == ("শ্যামল দে", "trainer", "bn", "WB-KOL")
    assert not user.must_change_password
    assert user.password_hash.startswith("pbkdf2:")


def test_cli_create_gives_the_sites_default_language(make_app):
    app = make_app(LANGUAGES=["bn", "hi"], BABEL_DEFAULT_LOCALE="bn")
    with app.app_context():
        args = ["users", "create", "--phone", "9433011111", "--name", "A", "--role", "admin"]
        result = app.test_cli_runner().invoke(args=args, input="long-secret\nlong-secret\n")
        assert result.exit_code == 0, result.output
        assert users()["9433011111"].lang == "bn"


def test_cli_create_rejects_mismatch_and_bad_input(runner, world):
    result = runner.invoke(
        args=["users", "create", "--phone", "9433011111", "--name", "A", "--region", "WB"],
        input="one-password\nanother-one\none-password\none-password\n",
    )
    assert "Error: The two entered values do not match." in result.output
    assert result.exit_code == 0  # asked again, then accepted
    bad = runner.invoke(
        args=["users", "create", "--phone", "12345", "--name", "B", "--region", "WB"], input="x\nx\n"
    )
    assert bad.exit_code == 1 and "A mobile number has 10 digits." in bad.output
    nowhere = runner.invoke(
        args=["users", "create", "--phone", "9433022222", "--name", "C", "--region", "NOPE"], input="x\nx\n"
    )
    assert nowhere.exit_code == 1 and "Unknown region NOPE." in nowhere.output
    taken = runner.invoke(
        args=["users", "create", "--phone", "9433011111", "--name", "D", "--region", "WB"],
        input="long-enough-1\nlong-enough-1\n",
    )
    assert taken.exit_code == 1 and "already registered" in taken.output


@pytest.mark.parametrize(
    ("arguments", "typed", "message"),
    [
        (["--password", "pw"], "", "Use at least 8 characters."),
        ([], "abc\nabc\n", "Use at least 8 characters."),
        (["--password", "9433033333"], "", "Do not use your mobile number in your password."),
        ([], "my9433033333\nmy9433033333\n", "Do not use your mobile number in your password."),
    ],
)
def test_cli_create_applies_the_webs_password_rules(arguments, typed, message, runner, world):
    """Issue 15, finding 11: the command line took `pw`, `abc` and the phone number itself."""
    result = runner.invoke(
        args=["users", "create", "--phone", "9433033333", "--name", "E", "--region", "WB", *arguments],
        input=typed,
    )
    assert result.exit_code == 1 and f"Error: {message}" in result.output
    assert "9433033333" not in users()


GOOD_CSV = """name,phone,region,role,lang
অনিতা রায়,+91 98300 11111,B-KOL-1,sahayak,bn
सुनील कुमार,09830022222,WB-KOL,trainer,hi
Mary D'Souza,9830033333,WB-DAR,,
"""


def test_cli_import_creates_users_with_one_time_passwords_and_sheet(runner, world, tmp_path):
    source = tmp_path / "people.csv"
    source.write_text(GOOD_CSV, encoding="utf-8")
    out = tmp_path / "sheets"
    result = runner.invoke(args=["users", "import", str(source), "--out-dir", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 users created." in result.output
    created = users()
    assert created["9830011111"].must_change_password
    assert created["9830033333"].role == "sahayak" and created["9830033333"].lang == "en"
    pdf = next(out.glob("*.pdf")).read_bytes()
    assert pdf.startswith(b"%PDF")
    # The bundled fonts are embedded, so Bengali and Devanagari names are shaped, not boxes.
    fonts = embedded_fonts(pdf)
    for family in ("LMS-Noto-Sans-Bengali", "LMS-Noto-Sans-Devanagari", "LMS-Noto-Sans"):
        assert any(name.startswith(family) for name in fonts), fonts
    assert all(name.startswith("LMS-") for name in fonts), fonts  # no system font slipped in
    rows = list(csv.DictReader(io.StringIO(next(out.glob("*.csv")).read_text("utf-8-sig"))))
    assert [r["name"] for r in rows] == ["অনিতা রায়", "सुनील कुमार", "Mary D'Souza"]
    # The printed one-time password really signs the person in.
    assert len(rows[0]["one_time_password"]) == 8


def test_one_time_password_from_sheet_signs_in_and_forces_change(runner, world, tmp_path, client, auth):
    source = tmp_path / "people.csv"
    source.write_text(GOOD_CSV, encoding="utf-8")
    runner.invoke(args=["users", "import", str(source), "--out-dir", str(tmp_path / "out")])
    rows = list(csv.DictReader(io.StringIO(next((tmp_path / "out").glob("*.csv")).read_text("utf-8-sig"))))
    otp = rows[0]["one_time_password"]
    response = auth.login("98300 11111", otp)
    assert response.headers["Location"] == "/"
    assert client.get("/").headers["Location"] == "/password"
    assert client.get("/people/").headers["Location"] == "/password"
    response = client.post(
        "/password", data={"current": otp, "new": "my-own-secret", "confirm": "my-own-secret"}
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_import_with_any_bad_row_imports_nothing_and_lists_every_line(runner, world, tmp_path):
    bad = (
        "name,phone,region,role,lang\n"
        "Good Person,9830011111,WB-KOL,sahayak,en\n"
        "Bad Phone,12345,WB-KOL,sahayak,en\n"
        "Bad Region,9830022222,NOWHERE,sahayak,en\n"
        "Bad Role,9830033333,WB-KOL,king,en\n"
        "Bad Lang,9830044444,WB-KOL,sahayak,fr\n"
        "Twice,+91 98300 11111,WB-KOL,sahayak,en\n"
        ",9830055555,WB-KOL,sahayak,en\n"
        f"Taken,{world.sahayak_kol.phone},WB-KOL,sahayak,en\n"
    )
    source = tmp_path / "bad.csv"
    source.write_text(bad, encoding="utf-8")
    before = len(users())
    result = runner.invoke(args=["users", "import", str(source), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 1
    expected = [
        f"{source}:3: A mobile number has 10 digits.",
        f"{source}:4: Unknown region NOWHERE.",
        f"{source}:5: Unknown role 'king'.",
        f"{source}:6: Unknown language 'fr': use en, bn, hi.",
        f"{source}:7: the number is already on line 2",
        f"{source}:8: A name is required (at most 200 characters).",
    ]
    for line in expected:
        assert line in result.output
    # Registered numbers are looked for only in a file that is otherwise good (issue 25, finding 5).
    assert "6 problem(s); nothing was imported." in result.output and f"{source}:9:" not in result.output
    assert len(users()) == before
    assert not list((tmp_path / "out").glob("*"))


def test_a_registered_number_is_refused_in_words_that_do_not_confirm_it(runner, world, tmp_path):
    source = tmp_path / "taken.csv"
    source.write_text(
        f"name,phone,region\nNew Person,9830011111,WB-KOL\nTaken,{world.sahayak_kol.phone},WB-KOL\n"
        f"Admin,{world.admin.phone},WB-KOL\n",
        encoding="utf-8",
    )
    result = runner.invoke(args=["users", "import", str(source), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code == 1 and "2 problem(s); nothing was imported." in result.output
    neutral = "this number cannot be registered here; if it is already someone's, they sign in with it"
    assert f"{source}:3: {neutral}" in result.output and f"{source}:4: {neutral}" in result.output
    assert "already registered" not in result.output and world.admin.phone not in result.output


def test_failed_sheet_rendering_leaves_no_users(runner, world, tmp_path, monkeypatch):
    from lms.people import sheets

    def broken(issued, progress=None):
        raise OSError("disk full")

    monkeypatch.setattr(sheets, "sheet_pdf", broken)
    source = tmp_path / "people.csv"
    source.write_text(GOOD_CSV, encoding="utf-8")
    before = len(users())
    result = runner.invoke(args=["users", "import", str(source), "--out-dir", str(tmp_path / "out")])
    assert result.exit_code != 0
    db.session.rollback()
    assert len(users()) == before
    assert not list((tmp_path / "out").glob("*"))


def test_columns_are_documented_in_the_template():
    assert USER_COLUMNS == ("name", "phone", "region")
    assert OPTIONAL_USER_COLUMNS == ("role", "lang")


def upload(client, content: str, name="people.csv"):
    data = {"file": (io.BytesIO(content.encode("utf-8")), name)}
    return client.post("/people/import", data=data, content_type="multipart/form-data")


def test_cell_head_imports_into_own_subtree_from_the_web(client, auth, world):
    auth.login(world.head_kol)
    response = upload(
        client, "name,phone,region\nনতুন সহায়ক,9830011111,B-KOL-1\nTrainer Two,9830022222,WB-KOL\n"
    )
    assert response.status_code == 302
    sheet_page = client.get(response.headers["Location"])
    assert "one-time-passwords" not in sheet_page.get_data(as_text=True)  # links, not inline passwords
    token = response.headers["Location"].rsplit("/", 1)[1]
    with client.get(f"/people/sheets/{token}.pdf") as pdf:
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        assert any(name.startswith("LMS-Noto-Sans-Bengali") for name in embedded_fonts(pdf.data))
    with client.get(f"/people/sheets/{token}.csv") as response:
        sheet_csv = response.get_data(as_text=True)
    assert "নতুন সহায়ক" in sheet_csv
    created = users()["9830011111"]
    assert created.created_by_id == world.head_kol.id and created.must_change_password


def test_web_import_outside_scope_or_role_imports_nothing(client, auth, world):
    auth.login(world.head_kol)
    response = upload(
        client,
        "name,phone,region,role\nA,9830011111,WB-KOL,sahayak\nB,9830022222,WB-DAR,sahayak\nC,9830033333,WB-KOL,admin\n",
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "people.csv:3: Region WB-DAR is outside your area." in page
    assert "people.csv:4: You may not create users with the role Administrator." in page
    assert "9830011111" not in users()


def test_unwritable_sheet_folder_registers_nobody_and_says_why(client, auth, world, app):
    blocker = Path(app.instance_path) / "sheets"  # a file where the folder should be (root ignores modes)
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("not a folder")
    auth.login(world.head_kol)
    response = upload(client, "name,phone,region\nA,9830011111,WB-KOL\n")
    assert response.status_code == 200
    assert "The password sheet could not be saved on the server" in response.get_data(as_text=True)
    assert "9830011111" not in users()
    assert blocker.read_text() == "not a folder"


def test_cli_import_into_unwritable_folder_registers_nobody(runner, world, tmp_path):
    source = tmp_path / "people.csv"
    source.write_text("name,phone,region\nA,9830011111,WB-KOL\n")
    blocker = tmp_path / "out"
    blocker.write_text("not a folder")
    result = runner.invoke(args=["users", "import", str(source), "--out-dir", str(blocker / "sheets")])
    assert result.exit_code != 0
    assert "The password sheet could not be saved on the server" in result.output
    assert "Traceback" not in result.output
    assert "9830011111" not in users()


def test_web_import_rejects_non_csv_and_oversized_files(make_app, make_user, make_region):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    with app.app_context():
        from tests.conftest import AuthActions

        head = make_user("cell_head", region=make_region("WB", kind="state"))
        client = app.test_client()
        AuthActions(client).login(head)
        wrong = client.post(
            "/people/import",
            data={"file": (io.BytesIO(b"x"), "people.xlsx")},
            content_type="multipart/form-data",
        )
        assert "Choose a .csv file." in wrong.get_data(as_text=True)
        big = client.post(
            "/people/import",
            data={"file": (io.BytesIO(b"a" * 5000), "people.csv")},
            content_type="multipart/form-data",
        )
        assert big.status_code == 413


def test_sheets_belong_to_their_maker(client, auth, world):
    auth.login(world.head_kol)
    token = upload(client, "name,phone,region\nA,9830011111,WB-KOL\n").headers["Location"].rsplit("/", 1)[1]
    auth.logout()
    auth.login(world.admin)
    assert client.get(f"/people/sheets/{token}.pdf").status_code == 404
    assert client.post(f"/people/sheets/{token}/delete").status_code == 404
    auth.logout()
    auth.login(world.head_kol)
    assert client.post(f"/people/sheets/{token}/delete").status_code == 302
    assert client.get(f"/people/sheets/{token}.pdf").status_code == 404
    assert db.session.execute(db.select(PasswordSheet)).first() is None


def test_trainers_and_sahayaks_cannot_import(client, auth, world):
    auth.login(world.trainer_kol)
    assert client.get("/people/import").status_code == 403
    auth.logout()
    auth.login(world.sahayak_kol)
    assert client.get("/people/import").status_code == 403
    assert client.get("/people/").status_code == 403


def test_slips_speak_each_persons_language_with_the_address_to_sign_in_at(app, world):
    """Issue 16: slips carried no address to sign in at, and were English only."""
    from lms.people.sheets import import_with_sheet, sheet_file
    from tests.pdfs import poppler

    app.config["PUBLIC_BASE_URL"] = "https://lms.example.org"
    _issued, token = import_with_sheet(GOOD_CSV.encode(), "people.csv", world.admin)
    text = poppler(sheet_file(world.admin, token, "pdf").read_bytes(), "pdftotext", "{path}", "-")
    assert text.replace("\n", "").count("https://lms.example.org/login") == 3  # on every slip
    assert "मोबाइल नंबर / Mobile number" in text  # the Hindi speaker's slip, English after
    assert "It works until" in text  # the English speaker's
    assert "साइन इन करें" in text and "२०२६ तक" in " ".join(text.split())  # Hindi, its digits
