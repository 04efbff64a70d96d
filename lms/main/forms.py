"""The language switcher."""

from wtforms import HiddenField, StringField
from wtforms.validators import AnyOf

from lms.forms import Form
from lms.i18n import LANGUAGE_NAMES


class LanguageForm(Form):
    """Pick a language (one button per language); `next` brings the user back."""

    lang = StringField(validators=[AnyOf(list(LANGUAGE_NAMES))])
    next = HiddenField()
