"""Jinja filters and globals shared by every template (wiring: it may import any package)."""

from flask import Flask, render_template, request
from flask_babel import format_date, format_datetime, format_number
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape

from lms.auth import permissions
from lms.core.forms import csrf_token
from lms.core.i18n import catalogue, current_language, date_in_words
from lms.core.kept import kept
from lms.core.phones import format_phone
from lms.courses.kinds import KINDS, Kind
from lms.courses.rendering import QUIZ_MARKER, quiz_parts
from lms.people.labels import region_kind, role_name
from lms.people.lookalikes import imitated_staff


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


QUESTIONS_KEPT = 20_000  # rendered questions kept per process (a few hundred a course)
LESSON_PARTS_KEPT = 1_000  # lessons × languages × mount points
FRAGMENTS_BUDGET = 16 * 1024 * 1024  # bytes of each of those two stores


def quiz_questions(quiz, questions: list[dict]) -> Markup:
    """A quiz form's questions, each rendered once per quiz, place in the form, order of
    options and language and kept: the same for every learner who sees that order (a shuffled
    question of four options has 24), so a lesson page stops rendering them every time."""
    language = current_language()
    rendered = []
    for position, question in enumerate(questions, 1):
        order = tuple(option["id"] for option in question["options"])
        key = (quiz.id, question["index"], position, language, order)

        def render(question=question, position=position) -> str:
            return render_template("learning/_question.html", quiz=quiz, question=question, position=position)

        rendered.append(kept("quiz_questions", key, render, QUESTIONS_KEPT, FRAGMENTS_BUDGET))
    return Markup("".join(rendered))  # noqa: S704 (escaped by Jinja)


def lesson_parts(lesson) -> tuple[tuple[Markup, str | None], ...]:
    """A lesson page's body as (HTML, the key of the quiz that follows it or None) pairs:
    rendered once per lesson, language and mount point and kept (a published lesson never
    changes), so a page renders only each learner's quiz forms."""
    key = (lesson.key, current_language(), request.script_root)

    def render() -> tuple[tuple[Markup, str | None], ...]:
        pieces = QUIZ_MARKER.split(render_template("learning/_lesson_body.html", lesson=lesson))
        pieces.append(None)  # the last piece of HTML has no quiz after it
        return tuple((Markup(pieces[i]), pieces[i + 1]) for i in range(0, len(pieces) - 1, 2))  # noqa: S704

    return kept("lesson_parts", key, render, LESSON_PARTS_KEPT, FRAGMENTS_BUDGET)


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


CSRF_MARK = "@@csrf@@"  # where a kept header takes each request's CSRF token
NEXT_MARK = "@@next@@"  # and the path the language buttons come back to
HEADERS_KEPT = 100  # languages × menus (or signed out) × mount points
# What the menu (templates/main/_menu.html) asks `may` about: a header is the same for everyone
# allowed the same of these, whatever their role (a sahayak who leads a batch has "Batches").
MENU = ("see_dashboard", "lead_batch", "see_people")
HEADERS_BUDGET = 2 * 1024 * 1024  # a header is a few kilobytes


def page_header() -> Markup:
    """The page header (the language buttons, and the menu when signed in), rendered once per
    language, set of what the menu offers and mount point and kept: it is the same for
    everyone who shares them (about 0.2 ms a page otherwise); each request's CSRF token and
    path are put in."""
    signed_in = current_user.is_authenticated
    menu = (
        frozenset(action for action in MENU if permissions.may(current_user, action)) if signed_in else None
    )
    key = (current_language(), menu, request.script_root)

    def render() -> str:
        return render_template(
            "main/_header.html", csrf_mark=CSRF_MARK, next_mark=NEXT_MARK, signed_in=signed_in, menu=menu
        )

    header = kept("headers", key, render, HEADERS_KEPT, HEADERS_BUDGET)
    back = request.full_path.rstrip("?") if request.method == "GET" else ""
    return Markup(header.replace(CSRF_MARK, csrf_token()).replace(NEXT_MARK, escape(back)))  # noqa: S704 (escaped: the template and the path; the token is URL-safe)


def init_app(app: Flask) -> None:
    """Register the filters and globals."""
    app.jinja_env.finalize = plain_lazy_text
    app.jinja_env.globals["ngettext"] = grouped_ngettext  # in place of Flask-Babel's
    app.add_template_global(csrf_token)  # in place of Flask-WTF's
    app.add_template_global(may)
    app.add_template_global(page_header)
    app.add_template_global(question_kind)
    app.add_template_global(quiz_questions)
    app.add_template_global(lesson_parts)
    app.add_template_global(imitated_staff)
    app.add_template_filter(quiz_parts, "quiz_parts")
    app.add_template_filter(format_phone, "phone")
    app.add_template_filter(role_name, "role_name")
    app.add_template_filter(region_kind, "region_kind")
    app.add_template_filter(format_number, "number")
    app.add_template_filter(format_when, "datetime")
    app.add_template_filter(format_day, "date_only")
    app.add_template_filter(date_in_words, "date_words")
