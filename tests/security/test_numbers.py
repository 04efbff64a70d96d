"""Whole numbers read one way (issue 25, findings 7 and 8): form fields and course files that
gave 500s — a superscript digit `isdigit()` accepts and `int()` refuses, numbers too large
for the database, 5,000-digit integers in front matter, an answer of 400 digits (Infinity on
PostgreSQL) — are refused with a clear message, and a lesson that runs over its rendering time
when a .zip upload is published is listed as a problem, not a 500."""

import pytest

from lms.core.ids import MAX_ID, as_id, id_number, page_number, whole_number
from lms.courses.models import CourseVersion
from lms.courses.parser import parse_course
from lms.extensions import db
from lms.reports.models import RegionTarget
from tests.certificates.conftest import complete
from tests.courses.samples import LESSON_ONE, LESSON_TWO, course_files
from tests.courses.test_rendering_budget import BRACKETS, TOO_LONG
from tests.courses.test_web import make_zip, own, publish_drafts, upload

# Checks clean (its link leads somewhere real), so only rendering it finds it too slow.
SLOW_TO_RENDER = LESSON_TWO.replace(
    "Links can lie.", f"Links can lie.\n\nSee {BRACKETS[:-3]}(https://example.org)\n"
)
NOT_NUMBERS = [
    "²",
    "2²",
    "¹²",
    "½",
    "1_000",
    "+1",
    "-1",
    " ",
    "",
    "1.0",
    "1e3",
    "0x10",
    "١٢x",
    "9" * 11,
    "9" * 5000,
]


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_only_decimal_digits_within_bounds_are_a_whole_number(text):
    with pytest.raises(ValueError):
        whole_number(text, 0, MAX_ID)
    assert as_id(text) is None


def test_each_scripts_digits_are_read_and_bounds_fit_both_databases():
    assert whole_number("৪২") == whole_number("४२") == whole_number(" 42 ") == 42
    assert id_number(str(MAX_ID)) == MAX_ID
    with pytest.raises(ValueError):
        id_number(str(MAX_ID + 1))  # 3,000,000,000 failed on PostgreSQL's INTEGER
    with pytest.raises(ValueError):
        id_number("0")
    assert page_number("99999999999999999999") == MAX_ID  # a page past the end is the last


def test_a_superscript_in_a_certificate_pair_is_no_pair(client, auth, world, sample_course):
    complete(world.sahayak_kol, sample_course)
    auth.login(world.head_kol)
    response = client.post("/certificates/issue", data={"pair": ["²:1", "1:²", "99999999999999999999:1"]})
    assert response.status_code == 302
    assert "Tick at least one person" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("course_id", ["99999999999999999999", "3000000000", "²", "-1"])
def test_a_leader_grant_for_a_course_id_out_of_range_is_refused(
    course_id, client, auth, world, sample_course
):
    complete(world.sahayak_kol, sample_course)
    auth.login(world.head_kol)
    response = client.post(f"/people/{world.sahayak_kol.id}/leader", data={"course_id": course_id})
    assert response.status_code == 400


@pytest.mark.parametrize("target", ["3000000000", "10000001", "99999999999999999999", "²", "0"])
def test_a_target_out_of_range_is_refused_with_a_message(target, client, auth, world):
    auth.login(world.head_kol)
    response = client.post(
        f"/reports/target?region={world.kolkata.code}", data={"target": target, "due_on": "2027-08-01"}
    )
    assert response.status_code in (200, 302, 400)
    page = client.get(f"/reports/?region={world.kolkata.code}").get_data(as_text=True)
    assert "Enter a whole number from 1 to 10,000,000." in page + response.get_data(as_text=True)
    assert db.session.execute(db.select(RegionTarget)).first() is None


def problems_of(**files) -> list[str]:
    return [
        f"{p.file}:{p.line}: {p.message}"
        for p in parse_course("safe-accounts", course_files(**files)).problems
    ]


def test_a_5000_digit_number_in_front_matter_is_a_problem_at_its_line(app):
    lesson = LESSON_TWO.replace("title: ", f"duration_min: {'9' * 5000}\ntitle: ", 1)
    assert "02-phishing.md:2: a number or date here cannot be read" in problems_of(
        **{"02-phishing.md": lesson}
    )


def test_a_duration_too_large_for_the_database_is_a_problem(app):
    lesson = LESSON_ONE.replace("duration_min: 10", "duration_min: 99999999999999999999")
    assert "01-passwords.md:3: duration_min must be a whole number from 1 to 1000" in problems_of(
        **{"01-passwords.md": lesson}
    )


def test_an_impossible_date_in_front_matter_is_a_problem(app):
    lesson = LESSON_ONE.replace("duration_min: 10", "duration_min: 10\nwhen: 2026-02-30")
    assert any(
        "01-passwords.md:4: a number or date here cannot be read" in p
        for p in problems_of(**{"01-passwords.md": lesson})
    )


@pytest.mark.parametrize("attempts", ["²", "99999999999999999999", "0", "101"])
def test_quiz_attempts_out_of_range_are_a_problem(attempts, app):
    lesson = LESSON_ONE.replace("attempts=3", f"attempts={attempts}")
    assert any(
        "attempts must be a whole number from 1 to 100" in p
        for p in problems_of(**{"01-passwords.md": lesson})
    )


@pytest.mark.parametrize("answer", ["9" * 400, "1 +- " + "9" * 400, "1e3"])
def test_a_numeric_answer_too_large_to_hold_is_a_problem(answer, app):
    lesson = LESSON_ONE.replace("= 42 +- 0", f"= {answer} +- 0" if "+-" not in answer else f"= {answer}")
    found = problems_of(**{"01-passwords.md": lesson})
    assert any("must be at most 10^15" in p or "NUMBER +- TOLERANCE" in p for p in found), found


def test_a_zip_with_a_lesson_over_the_render_budget_is_listed_not_a_500(
    app, client, auth, world, sample_course
):
    app.config["RENDER_SECONDS"] = 0.5
    own(world, sample_course)
    auth.login(world.trainer_kol)
    upload(client, make_zip(course_files(**{"02-phishing.md": SLOW_TO_RENDER})), course="safe-accounts")
    response = publish_drafts(client)
    assert response.status_code == 302 and response.headers["Location"] == "/courses/safe-accounts/review"
    review = client.get("/courses/safe-accounts/review").get_data(as_text=True)
    assert "Not published: the course has problems" in review and TOO_LONG in review
    assert db.session.execute(db.select(db.func.max(CourseVersion.number))).scalar() == 1
