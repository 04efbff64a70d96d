"""The base form and the POST-only button form. WTForms' own messages ("This field is required." …) translated through
our Bengali and Hindi catalogues (WTForms ships no bn or hi translations)."""

from flask import current_app, g, session
from flask_babel import format_number, get_translations, gettext, lazy_ngettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from wtforms import IntegerField, PasswordField, StringField, TextAreaField

from lms.core.ids import MAX_ID, whole_number
from lms.core.kept import kept
from lms.core.plaintext import CONTROL_CHARACTERS, has_control_characters


class _BabelTranslations:
    """The gettext interface WTForms asks its Meta for, answered by Flask-Babel."""

    def gettext(self, string: str) -> str:
        return gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Unformatted: WTForms fills in %(max)d itself (flask_babel's ngettext knows only %(num)d).
        return get_translations().ngettext(singular, plural, n)


_TRANSLATIONS = _BabelTranslations()
CSRF_TOKENS_KEPT = 10_000  # signed tokens kept per process (one a session seen lately)
CSRF_TOKENS_BUDGET = 4 * 1024 * 1024  # their bytes (keys come from signed cookies, values are ours)


def csrf_token() -> str:
    """This session's signed CSRF token, signed once per process and kept: Flask-WTF signs it
    anew for every page (about 30 µs), though with WTF_CSRF_TIME_LIMIT = None any signing of
    the session's secret is as good as another. Later `generate_csrf` calls (forms) reuse it."""
    raw = session.get("csrf_token")
    if raw is None or "csrf_token" in g or current_app.config["WTF_CSRF_TIME_LIMIT"] is not None:
        return generate_csrf()  # a new session's first token, or one already made for this request
    token = kept("csrf_tokens", raw, generate_csrf, CSRF_TOKENS_KEPT, CSRF_TOKENS_BUDGET)
    g.csrf_token = token
    return token


class Form(FlaskForm):
    """Every form of the site derives from this one: no typed text may hold control
    characters (lms/core/plaintext.py)."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return _TRANSLATIONS

    def validate(self, extra_validators=None) -> bool:
        """The fields' own checks, then control characters in any typed text but passwords."""
        valid = super().validate(extra_validators)
        for field in self:
            typed = isinstance(field, StringField) and not isinstance(field, PasswordField)
            lines = isinstance(field, TextAreaField)
            if typed and isinstance(field.data, str) and has_control_characters(field.data, lines):
                field.errors = [*field.errors, str(CONTROL_CHARACTERS)]
                valid = False
        return valid


class EmptyForm(Form):
    """A POST-only button: carries nothing but the CSRF token."""


class WholeNumberField(IntegerField):
    """A whole number as lms/core/ids.py reads them, from `low` to `high` (an id by default)."""

    def __init__(self, label=None, validators=None, low: int = 1, high: int = MAX_ID, **kwargs) -> None:
        super().__init__(label, validators, **kwargs)
        self.low, self.high = low, high

    def process_formdata(self, valuelist: list) -> None:
        if not valuelist:
            return
        try:
            self.data = whole_number(valuelist[0], self.low, self.high)
        except ValueError:
            self.data = None
            raise ValueError(
                gettext(
                    "Enter a whole number from %(low)s to %(high)s.",
                    low=format_number(self.low),
                    high=format_number(self.high),
                )
            ) from None


# WTForms' messages that our forms can show, listed so `make extract-messages` finds them.
WTFORMS_MESSAGES = (
    _l("This field is required."),
    _l("Not a valid integer value."),
    _l("Not a valid date value."),
    _l("Not a valid choice."),
    _l("Invalid Choice: could not coerce."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Field must be equal to %(other_name)s."),
    lazy_ngettext(
        "Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 2
    ),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("File does not have an approved extension."),
)
