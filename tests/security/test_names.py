"""Invisible and look-alike names (issue 25, findings 10 and 11): a name of only U+200B, a Hangul
filler, a byte-order mark before a real name, tag characters and towers of combining marks
were accepted on the join page, in people and as a signatory, and printed on certificates and
/verify. Now refused; a name that imitates a staff member's with another alphabet's letters
("Ritwik Sеn", a Cyrillic е) is let in and flagged for a second look. A typed quiz answer
with a bidi override is refused before a try is taken."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from lms.auth.audit import AuditEvent
from lms.auth.models import Role, User
from lms.batches.services import create_batch
from lms.core.names import imitated, name_problem, skeleton
from lms.extensions import db
from lms.learning.models import Attempt, QuizProgress
from tests.certificates.conftest import complete
from tests.learning.quizzing import form_of, quiz, right_answers
from tests.pictures import picture

REFUSED = {
    "zero-width space only": "\u200b",
    "Hangul filler": "\u3164",
    "byte-order mark first": "\ufeffRitwik Sen",
    "tag characters": "Ritwik\U000e0020\U000e0041 Sen",
    "word joiner": "Rit\u2060wik",
    "line separator": "Ritwik\u2028Sen",
    "paragraph separator": "Ritwik\u2029Sen",
    "combining overlines": "A" + "\u0305" * 190,
    "no letter": "12345 ---",
}
WELCOME = [
    "অনুপম মুখোপাধ্যায়",
    "শ্রাবন্তী",
    "ক্ষুদিরাম",
    "রাজ্যশ্রী",
    "র\u200dযাব",
    "क्\u200dष ज्ञान",
    "Mary D'Souza",
    "A. রহমান",
]
IMPOSTOR = "Ritwik S\u0435n"  # a Cyrillic е
MESSAGES = ("invisible", "at least one letter", "marks on a letter")


def people() -> int:
    return db.session.execute(select(func.count()).select_from(User)).scalar()


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_names_nobody_has_are_refused(case):
    assert name_problem(REFUSED[case]) is not None


@pytest.mark.parametrize("name", WELCOME)
def test_bengali_hindi_and_english_names_are_welcome(name):
    assert name_problem(name) is None


def test_a_look_alike_shares_its_skeleton_and_only_mixed_alphabets_count():
    staff = {skeleton("Ritwik Sen"): "Ritwik Sen"}
    assert skeleton(IMPOSTOR) == skeleton("Ritwik Sen")
    assert imitated(IMPOSTOR, staff) == "Ritwik Sen"
    assert imitated("Ritwik Sen", staff) is None  # the same name, one alphabet: a namesake
    assert imitated("RITWIK SEN", staff) is None
    assert imitated("A. রহমান", staff) is None  # alphabets mixed across words, not within one


def join_form(batch, name: str) -> dict:
    return {"name": name, "phone": "9830055555", "region_id": str(batch.region_id), "password": "long-enough-1",
            "confirm": "long-enough-1"}  # fmt: skip


@pytest.fixture
def batch(world, sample_course):
    return create_batch(
        world.trainer_kol, sample_course.course_id, "B", "", date(2026, 12, 1), world.kolkata.id
    )


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_the_join_page_refuses_them(case, client, batch):
    before = people()
    page = client.post(f"/join/{batch.join_code}/register", data=join_form(batch, REFUSED[case]))
    assert any(message in page.get_data(as_text=True) for message in MESSAGES)
    assert people() == before


@pytest.mark.parametrize("case", ["zero-width space only", "byte-order mark first", "Hangul filler"])
def test_imports_edits_and_the_command_line_refuse_them(case, client, auth, world, runner):
    auth.login(world.head_kol)
    csv = f"name,phone,region\nGood Name,9830055550,WB-KOL\n{REFUSED[case]},9830055551,WB-KOL\n".encode()
    page = client.post("/people/import", data={"file": (io.BytesIO(csv), "people.csv")}).get_data(
        as_text=True
    )
    assert "people.csv:3: A name may not hold invisible characters" in page
    edited = client.post(
        f"/people/{world.sahayak_kol.id}/edit",
        data={
            "name": REFUSED[case],
            "phone": world.sahayak_kol.phone,
            "region": "B-KOL-1",
            "role": "sahayak",
        },
    )
    assert "A name may not hold invisible characters" in edited.get_data(as_text=True)
    db.session.refresh(world.sahayak_kol)
    assert world.sahayak_kol.name == "Sahayak Kolkata"
    made = runner.invoke(
        args=["users", "create", "--phone", "9830055552", "--name", REFUSED[case], "--region", "WB-KOL"],
        input="long-enough-1\nlong-enough-1\n",
    )
    assert made.exit_code != 0 and "invisible" in made.output


def test_a_signatory_must_be_a_name_too(client, auth, world):
    auth.login(world.head_kol)
    response = client.post(
        "/certificates/artwork",
        data={"kind": "signature", "place": "WB-KOL", "signatory": "\u3164",
              "picture": (io.BytesIO(picture(600, 150)), "signature.png")},
    )  # fmt: skip
    assert "A name may not hold invisible characters" in response.get_data(as_text=True)


def test_a_look_alike_of_a_staff_name_is_let_in_and_flagged_for_a_second_look(
    client, auth, world, batch, make_user
):
    admin = make_user(Role.ADMIN, region=world.state, name="Ritwik Sen")
    response = client.post(f"/join/{batch.join_code}/register", data=join_form(batch, IMPOSTOR))
    assert response.status_code == 302
    impostor = db.session.execute(select(User).filter_by(phone="9830055555")).scalar_one()
    flagged = db.session.execute(select(AuditEvent).filter_by(action="person.lookalike")).scalar_one()
    assert flagged.subject == f"user:{impostor.id}" and flagged.detail["looks_like"] == admin.name
    client.post("/logout")
    auth.login(world.head_kol)
    page = client.get(f"/people/{impostor.id}").get_data(as_text=True)
    assert "looks like the name of Ritwik Sen, who is staff" in page
    assert "Name looks like a staff member" in page  # in the person's history
    complete(impostor, batch.course.live_version)
    listing = client.get("/certificates/").get_data(as_text=True)
    assert "looks like Ritwik Sen's name: check it" in listing
    namesake = client.get(f"/people/{world.sahayak_kol.id}").get_data(as_text=True)
    assert "who is staff" not in namesake


def test_a_typed_answer_with_a_bidi_override_is_refused_before_a_try_is_taken(
    client, auth, world, sample_course
):
    auth.login(world.sahayak_kol)
    page = client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True)
    token, _ = form_of(page, "safe-password")
    answers = right_answers("safe-password")
    typed = next(
        key
        for key, value in answers.items()
        if isinstance(value, str) and not value.isdigit() and "৪" not in value
    )
    answers[typed] = "\u202egnp.exe"
    response = client.post("/quizzes/submit", data={"token": token, **answers})
    assert response.status_code == 302
    assert "invisible control characters" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert db.session.execute(select(Attempt)).first() is None
    progress = db.session.execute(select(QuizProgress).filter_by(quiz_key=quiz("safe-password").key)).scalar()
    assert progress is None or progress.attempts == 0
