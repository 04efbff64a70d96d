"""Numbers taken from URLs and forms: ids and page numbers out of the range the database can
hold are treated as absent (404, or the default), never passed on to fail as a 500."""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # ids are INTEGER columns: 32 bits on PostgreSQL


def id_number(text) -> int:
    """A positive whole number that fits an id column (for `request.args.get(type=…)`, which
    turns the ValueError into the default)."""
    value = int(str(text))
    if not 0 < value <= MAX_ID:
        raise ValueError(f"{text!r} is not an id")
    return value


def page_number(text) -> int:
    """A page number from 1; a larger one than any page means the last (page_of clamps)."""
    value = int(str(text))
    if value < 1:
        raise ValueError(f"{text!r} is not a page number")
    return min(value, MAX_ID)


def as_id(value) -> int | None:
    """A posted id, or None when it is not one."""
    try:
        return id_number(value)
    except (TypeError, ValueError):
        return None


class IdConverter(IntegerConverter):
    """`<int:…>` in routes, bounded to MAX_ID: a larger number matches no route (404)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)
