"""Jinja filters shared by every template."""

from flask import Flask
from flask_babel import format_date, format_datetime, format_number

from lms.people.labels import role_name
from lms.phones import format_phone


def format_when(value) -> str:
    """Date and 24-hour time with the month in the reader's language (no Latin AM/PM)."""
    return format_datetime(value, "d MMMM y, HH:mm")


def format_day(value) -> str:
    """A date with the month in the reader's language."""
    return format_date(value, "d MMMM y")


def init_app(app: Flask) -> None:
    """Register the filters."""
    app.add_template_filter(format_phone, "phone")
    app.add_template_filter(role_name, "role_name")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_when, "datetime")
    app.add_template_filter(format_day, "date_only")
