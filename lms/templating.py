"""Jinja filters and globals shared by every template (wiring: it may import any package)."""

from flask import Flask, render_template, request
from flask_babel import format_date, format_datetime, format_number
from flask_babel.speaklater import LazyString
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from lms.auth import permissions
from lms.courses.kinds import KINDS, Kind
from lms.courses.rendering import quiz_parts
from lms.i18n import catalogue, current_language, date_in_words
from lms.kept import kept
from lms.people.labels import region_kind, role_name
from lms.phones import format_phone


def format_when(value) -> str:
    """Date and 24-hour time with the month in the reader's language (no Latin AM/PM)."""
    return format_datetime(value, "d MMMM y, HH:mm")


def format_day(value) -> str:
    """A date with the month in the reader's language."""
    return format_date(value, "d MMMM y")


def may(capability: str, region: object = permissions.ANYWHERE) -> bool:
    """`may("issue_certificates", region)` in a template: lms/auth/permissions.py for the signed-in user."""
    return permissions.may(current_user, capability, region)


def question_kind(name: str) -> Kind:
    """The kind of a question by its stored name; templates include its partials."""
    return KINDS[name]


QUESTION_INPUTS_KEPT = 20_000  # rendered inputs kept per process (a few hundred a course)


def question_inputs(quiz, question: dict, name: str) -> Markup:
    """A question's inputs as its kind's template renders them, kept per quiz, question,
    language and order of options: the same for every learner who sees that order (a shuffled
    question of four options has 24), so a lesson page stops rendering them every time."""
    order = tuple(option["id"] for option in question["options"])
    key = (quiz.id, question["index"], current_language(), order)

    def render() -> Markup:
        template = KINDS[question["kind"]].form_template
        return Markup(render_template(template, quiz=quiz, question=question, name=name))  # noqa: S704 (escaped by Jinja)

    return kept("question_inputs", key, render, QUESTION_INPUTS_KEPT)


def plain_lazy_text(value):
    """Lazy translatable text as plain text, so it is escaped: flask-babel's LazyString calls
    itself safe HTML, and a message that quotes what a user wrote would run as markup."""
    return str(value) if isinstance(value, LazyString) else value


def grouped_ngettext(singular: str, plural: str, count: int, /, **variables) -> str:
    """ngettext for templates, with the count written as the `number` filter writes it
    (40,000, not 40000): the catalogue's %(num)d is filled with the formatted number."""
    variables.setdefault("num", format_number(count))
    translated = catalogue().ungettext(singular, plural, count)
    return translated.replace("%(num)d", "%(num)s") % variables


CSRF_MARK = "@@csrf@@"  # where a kept menu takes each request's CSRF token
MENUS_KEPT = 100  # languages × roles × mount points


def main_menu() -> Markup:
    """The signed-in menu, rendered once per language, role and mount point and kept: it is
    the same for everyone who shares them (about 0.2 ms a page otherwise); each request's
    CSRF token is put in."""
    key = (current_language(), current_user.role, request.script_root)
    menu = kept("menus", key, lambda: render_template("main/_menu.html", csrf_mark=CSRF_MARK), MENUS_KEPT)
    return Markup(menu.replace(CSRF_MARK, generate_csrf()))  # noqa: S704 (escaped by Jinja; the token is URL-safe)


def init_app(app: Flask) -> None:
    """Register the filters and globals."""
    app.jinja_env.finalize = plain_lazy_text
    app.jinja_env.globals["ngettext"] = grouped_ngettext  # in place of Flask-Babel's
    app.add_template_global(may)
    app.add_template_global(main_menu)
    app.add_template_global(question_kind)
    app.add_template_global(question_inputs)
    app.add_template_filter(quiz_parts, "quiz_parts")
    app.add_template_filter(format_phone, "phone")
    app.add_template_filter(role_name, "role_name")
    app.add_template_filter(region_kind, "region_kind")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_when, "datetime")
    app.add_template_filter(format_day, "date_only")
    app.add_template_filter(date_in_words, "date_words")
