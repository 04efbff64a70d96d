"""Control characters and bidi overrides in names and free text (issue 15, finding 8): the CSV
import registered "A\x00B" (a 500 later on PostgreSQL), registration took U+202E, ESC and BEL.
Now refused with a clear message on the web, in CSV files and on the command line."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from lms.auth.models import User
from lms.batches.services import create_batch
from lms.core.plaintext import has_control_characters
from lms.extensions import db
from lms.people.regions import import_regions

HOSTILE_NAMES = {
    "NUL": "A\x00B",
    "right-to-left override": "Rahim \u202eniarhsoM",
    "escape": "Ravi\x1b[31m",
    "bell": "Gita\x07",
    "C1": "Mina\x85",
    "isolate": "Anu\u2066x\u2069",
}
MESSAGE = "invisible control characters"


def people() -> int:
    return db.session.execute(select(func.count()).select_from(User)).scalar()


def test_bengali_and_hindi_joiners_are_welcome():
    assert not has_control_characters("অনুপম মুখোপাধ্যায় র\u200dযাব")  # a zero-width joiner
    assert not has_control_characters("क्‍ष ज्ञान")  # ZWJ in Devanagari
    assert all(has_control_characters(name) for name in HOSTILE_NAMES.values())


@pytest.mark.parametrize("case", sorted(HOSTILE_NAMES))
def test_the_join_form_refuses_them(case, client, world, sample_course):
    batch = create_batch(
        world.trainer_kol, sample_course.course_id, "B", "", date(2026, 12, 1), world.kolkata.id
    )
    before = people()
    form = {
        "name": HOSTILE_NAMES[case],
        "phone": "9830055555",
        "region_id": str(world.booth.id),
        "password": "long-enough-1",
        "confirm": "long-enough-1",
    }
    response = client.post(f"/join/{batch.join_code}/register", data=form)
    if case == "NUL":  # never typed by a person: refused before any view (lms/core/security.py)
        assert response.status_code == 400
    else:
        assert MESSAGE in response.get_data(as_text=True)
    assert people() == before


@pytest.mark.parametrize("case", sorted(HOSTILE_NAMES))
def test_the_csv_import_refuses_them_with_the_line(case, client, auth, world):
    auth.login(world.head_kol)
    before = people()
    csv = (
        f"name,phone,region\nGood Name,9830055550,WB-KOL\n{HOSTILE_NAMES[case]},9830055551,WB-KOL\n".encode()
    )
    page = client.post("/people/import", data={"file": (io.BytesIO(csv), "people.csv")}).get_data(
        as_text=True
    )
    assert "people.csv:3:" in page and MESSAGE in page and people() == before


def test_the_command_line_refuses_them(runner, world):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--phone",
            "9830055552",
            "--name",
            "Bad\x1bName",
            "--role",
            "sahayak",
            "--region",
            "WB-KOL",
            "--password",
            "long-enough-1",
        ]
    )
    assert result.exit_code != 0 and MESSAGE in result.output


def test_editing_a_person_and_naming_a_batch_refuse_them(client, auth, world, sample_course):
    auth.login(world.head_kol)
    edited = client.post(
        f"/people/{world.sahayak_kol.id}/edit",
        data={"name": "X\u202eY", "phone": world.sahayak_kol.phone, "region": "B-KOL-1", "role": "sahayak"},
    )
    assert MESSAGE in edited.get_data(as_text=True)
    db.session.refresh(world.sahayak_kol)
    assert world.sahayak_kol.name == "Sahayak Kolkata"
    made = client.post(
        "/batches/new",
        data={
            "course_id": sample_course.course_id,
            "name": "Batch\x07",
            "place": "",
            "starts_on": "2026-12-01",
            "region": "WB-KOL",
        },
    )
    assert MESSAGE in made.get_data(as_text=True)


def test_a_regions_file_refuses_them(app):
    with pytest.raises(Exception) as refused:
        import_regions("code,name,kind,parent\nWB,West\u202eBengal,state,\n".encode(), "regions.csv")
    assert "regions.csv:2:" in str(refused.value.problems[0]) and MESSAGE in str(refused.value.problems[0])
