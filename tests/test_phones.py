"""Phone numbers: every common way of writing one Indian mobile number is the same login."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lms.core.phones import PhoneError, format_phone, normalise_phone


@pytest.mark.parametrize(
    "raw",
    [
        "+91 98300 12345",
        "09830012345",
        "9830012345",
        "+919830012345",
        "919830012345",
        "0091 98300 12345",
        "98300-12345",
        "(98300) 12345",
        " 98300 12345 ",
        "৯৮৩০০১২৩৪৫",  # Bengali digits
        "९८३००१२३४५",  # Devanagari digits
        "９８３００１２３４５",  # full-width digits
    ],
)
def test_accepts_common_forms(raw, app):
    assert normalise_phone(raw) == "9830012345"


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "Enter a mobile number."),
        ("98300 1234", "10 digits"),
        ("98300 123456", "10 digits"),
        ("5830012345", "starts with 6, 7, 8 or 9"),
        ("+44 7700 900123", "Only Indian mobile numbers"),
        ("98300abcde", "only digits"),
        ("033 2222 3333", "starts with 6, 7, 8 or 9"),  # a Kolkata landline
    ],
)
def test_rejects_clearly(raw, message, app):
    with pytest.raises(PhoneError) as error:
        normalise_phone(raw)
    assert message in str(error.value)


@given(st.sampled_from("6789"), st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_written_form_round_trips(first, rest):
    number = first + rest
    for written in (number, "0" + number, "+91" + number, format_phone(number), "91-" + number):
        assert normalise_phone(written) == number


@given(st.text(max_size=20))
def test_never_crashes_and_returns_ten_digits(raw):
    try:
        result = normalise_phone(raw)
    except PhoneError:
        return
    assert len(result) == 10 and result.isdigit() and result[0] in "6789"
