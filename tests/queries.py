"""Counting the SQL statements a piece of code sends."""

from sqlalchemy import event

from lms.extensions import db


def statements(function) -> list[str]:
    """The SQL statements `function()` executes, in order."""
    sent = []

    def listener(_conn, _cursor, statement, *_args):
        sent.append(statement)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        function()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return sent


def count_queries(function) -> int:
    """How many statements `function()` executes."""
    return len(statements(function))
