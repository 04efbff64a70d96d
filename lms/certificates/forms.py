"""Forms for issuing, revoking and verifying certificates."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from lms.certificates.services import REVOKE_CATEGORIES
from lms.forms import Form


class RevokeForm(Form):
    """Why a certificate is revoked."""

    category = SelectField(
        _l("Why, as anyone checking it will read"),
        choices=[
            SelectChoice("", "—"),
            *(SelectChoice(key, label) for key, label in REVOKE_CATEGORIES.items()),
        ],
        validators=[DataRequired(message=_l("Choose why it is revoked."))],
    )
    reason = TextAreaField(
        _l("In your words (seen by staff only)"), validators=[DataRequired(), Length(max=500)]
    )


class VerifyForm(Form):
    """A verification code as typed (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=40)])
