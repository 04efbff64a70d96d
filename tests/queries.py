"""Counting the SQL statements a piece of code sends."""

from sqlalchemy import event

from lms.extensions import db


def count_queries(function) -> int:
    """How many statements `function()` executes."""
    counted = []

    def listener(*_args):
        counted.append(1)

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        function()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    return len(counted)
