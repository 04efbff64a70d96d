"""Whole numbers taken from URLs, forms and course files, read one way: each script's decimal
digits (Latin, Bengali, Devanagari …) and nothing else — no sign, space, underscore, superscript
or fraction, which `isdigit()` or `int()` would let through — within bounds both databases hold
(INTEGER is 32 bits on PostgreSQL; SQLite fails on anything over 64). Out of range is absent
(404, or the default), or a clear error: never a 500."""

import unicodedata

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # ids and counts are INTEGER columns: 32 bits on PostgreSQL
MAX_DIGITS = 10  # MAX_ID's: longer text is refused before it is converted


def whole_number(text, low: int = 0, high: int = MAX_ID) -> int:
    """The whole number `text` writes, from `low` to `high`; ValueError for anything else."""
    if not isinstance(text, str | int) or isinstance(text, bool):
        raise ValueError(f"{text!r} is not a whole number")
    written = str(text).strip()
    if not 0 < len(written) <= MAX_DIGITS or not all(char.isdecimal() for char in written):
        raise ValueError(f"{text!r} is not a whole number")
    value = int("".join(str(unicodedata.decimal(char)) for char in written))
    if not low <= value <= high:
        raise ValueError(f"{text!r} is not from {low} to {high}")
    return value


def id_number(text) -> int:
    """A positive whole number that fits an id column (for `request.args.get(type=…)`, which
    turns the ValueError into the default)."""
    return whole_number(text, 1, MAX_ID)


def page_number(text) -> int:
    """A page number from 1; a larger one than any page means the last (page_of clamps)."""
    written = str(text).strip()
    if written.isdecimal() and len(written) > MAX_DIGITS:
        return MAX_ID
    return whole_number(text, 1, MAX_ID)


def as_id(value) -> int | None:
    """A posted id, or None when it is not one."""
    try:
        return id_number(value)
    except ValueError:
        return None


class IdConverter(IntegerConverter):
    """`<int:…>` in routes, bounded to MAX_ID: a larger number matches no route (404)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
