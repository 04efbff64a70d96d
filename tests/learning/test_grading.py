"""Grading every question type, including Unicode cases."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.courses.kinds import KINDS, normalise_text, parse_number
from lms.learning.grading import grade

SINGLE = {"kind": "single", "options": [{"id": "a", "correct": True}, {"id": "b", "correct": False}]}
MULTIPLE = {
    "kind": "multiple",
    "options": [{"id": "a", "correct": True}, {"id": "b", "correct": False}, {"id": "c", "correct": True}],
}
TEXT = {"kind": "text", "accepted": ["schedule", "শিডিউল", "সময় নির্ধারণ"]}
NUMERIC = {"kind": "numeric", "value": 42.0, "tolerance": 0.0}
DECIMAL = {"kind": "numeric", "value": 3.5, "tolerance": 0.25}


def question_right(question: dict, answer) -> bool:
    """What grade() asks for each question: its kind's verdict."""
    return KINDS[question["kind"]].right(question, answer)


def test_single_choice():
    assert (
        question_right(SINGLE, "a") and not question_right(SINGLE, "b") and not question_right(SINGLE, None)
    )
    assert not question_right(SINGLE, ["a", "b"])


def test_multiple_choice_needs_exactly_the_right_set():
    assert question_right(MULTIPLE, ["a", "c"]) and question_right(MULTIPLE, ["c", "a"])
    assert not question_right(MULTIPLE, ["a"]) and not question_right(MULTIPLE, ["a", "b", "c"])
    assert not question_right(MULTIPLE, [])


@pytest.mark.parametrize(
    "typed",
    [
        "schedule",
        "  SCHEDULE  ",
        "Schedule\u200b",
        "শিডিউল",
        "সময়  নির্ধারণ",
        unicodedata.normalize("NFD", "সময় নির্ধারণ"),  # decomposed য় (য + nukta)
        "সময়\u200c নির্ধারণ",  # a zero-width non-joiner typed by a keyboard
        "\u200dশিডিউল\u200d",
    ],
)
def test_text_answers_compare_after_normalising(typed):
    assert question_right(TEXT, typed)


@pytest.mark.parametrize("typed", ["", "   ", "sched", "schedules", "\u200b"])
def test_wrong_text_answers(typed):
    assert not question_right(TEXT, typed)


@pytest.mark.parametrize("typed", ["42", " 42 ", "৪২", "४२", "42.0", "+42", "42,0"])
def test_numbers_in_any_digits(typed):
    assert question_right(NUMERIC, typed)


@pytest.mark.parametrize("typed", ["41", "42a", "", "forty-two", "4 2 2", "42..0"])
def test_wrong_numbers(typed):
    assert not question_right(NUMERIC, typed)


@pytest.mark.parametrize(
    ("typed", "right"), [("3,5", True), ("৩.৭৫", True), ("3.25", True), ("3.2", False), ("3,76", False)]
)
def test_tolerance_and_decimal_comma(typed, right):
    assert question_right(DECIMAL, typed) is right


def test_parse_number():
    assert parse_number("১৯৩০") == 1930.0 and parse_number("-0.5") == -0.5 and parse_number("x") is None


def test_grade_scores_and_pass_mark():
    spec = {"questions": [SINGLE, MULTIPLE, TEXT, NUMERIC]}
    graded = grade(spec, {"0": "a", "1": ["a", "c"], "2": "শিডিউল", "3": "41"}, pass_mark=70)
    assert graded.results == [True, True, True, False] and graded.score == 75 and graded.passed
    assert not grade(spec, {"0": "a"}, pass_mark=70).passed
    assert grade(spec, {}, pass_mark=0).passed


@given(st.text())
def test_normalise_is_idempotent(text):
    assert normalise_text(normalise_text(text)) == normalise_text(text)


@given(st.text())
def test_parse_number_never_crashes(text):
    result = parse_number(text)
    assert result is None or isinstance(result, float)
