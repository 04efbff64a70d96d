"""The language switcher."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf

from lms.i18n import LANGUAGE_NAMES


class LanguageForm(FlaskForm):
    """Pick a language (one button per language); `next` brings the user back."""

    lang = StringField(validators=[AnyOf(list(LANGUAGE_NAMES))])
    next = HiddenField()
