"""The language switcher."""

from wtforms import Field, HiddenField, StringField
from wtforms.validators import AnyOf

from lms.core.forms import Form
from lms.core.i18n import languages


class LanguageForm(Form):
    """Pick a language (one button per language); `next` brings the user back."""

    lang = StringField()
    next = HiddenField()

    def validate_lang(self, field: Field) -> None:
        """One of the configured languages (read per request, never at import)."""
        AnyOf(languages())(self, field)
