"""Indian mobile numbers: one canonical form for every way people write them."""

import re
import unicodedata

from flask_babel import lazy_gettext as _l


class PhoneError(ValueError):
    """A phone number that is not an Indian mobile number; str() is translatable."""


_SEPARATORS = re.compile(r"[\s\-().]")


def normalise_phone(raw: str) -> str:
    """Return the 10-digit mobile number in `raw` or raise PhoneError.

    Accepts `+91 98300 12345`, `0091…`, `09830012345`, `919830012345` and
    `9830012345`, with spaces, dashes, dots or brackets, in any script's digits.
    """
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw or ""))
    if not text:
        raise PhoneError(_l("Enter a mobile number."))
    if text.startswith("+"):
        if not text.startswith("+91"):
            raise PhoneError(_l("Only Indian mobile numbers (+91) are accepted."))
        text = text[3:]
    if not all(ch.isdecimal() for ch in text):
        raise PhoneError(_l("A mobile number may contain only digits, spaces and dashes."))
    digits = "".join(str(unicodedata.decimal(ch)) for ch in text)
    digits = _strip_prefix(digits)
    if len(digits) != 10:
        raise PhoneError(_l("A mobile number has 10 digits."))
    if digits[0] not in "6789":
        raise PhoneError(_l("A mobile number starts with 6, 7, 8 or 9."))
    return digits


def _strip_prefix(digits: str) -> str:
    """Drop a trunk 0 or country code written before the 10 digits."""
    for prefix in ("0091", "91", "0"):
        if len(digits) == 10 + len(prefix) and digits.startswith(prefix):
            return digits[len(prefix) :]
    return digits


def format_phone(phone: str) -> str:
    """Show a stored number the way people read it: +91 98300 12345."""
    return f"+91 {phone[:5]} {phone[5:]}"
