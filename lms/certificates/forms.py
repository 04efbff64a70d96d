"""Forms for issuing, revoking and verifying certificates."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from lms.forms import Form


class RevokeForm(Form):
    """Why a certificate is revoked."""

    reason = TextAreaField(_l("Reason for revoking"), validators=[DataRequired(), Length(max=500)])


class VerifyForm(Form):
    """A verification code as typed (a GET form: nothing changes)."""

    class Meta:
        csrf = False

    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=40)])
