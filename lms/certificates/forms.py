"""Forms for issuing, revoking and verifying certificates, and for their artwork."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from lms.certificates.artwork import ART_KINDS
from lms.certificates.services import REVOKE_CATEGORIES
from lms.core.forms import Form


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


class ArtForm(Form):
    """An emblem or signature picture, for a place (choices set per person by the view)."""

    kind = SelectField(
        _l("What it is"), choices=[SelectChoice(key, label) for key, label in ART_KINDS.items()]
    )
    place = SelectField(_l("Printed on the certificates of"), validate_choice=False)
    picture = FileField(
        _l("Picture (PNG or JPEG)"),
        validators=[
            FileRequired(_l("Choose a picture.")),
            FileAllowed(["png", "jpg", "jpeg"], _l("Only PNG or JPEG pictures can be used.")),
        ],
    )
    signatory = StringField(_l("Printed under a signature: name, post, place"), validators=[Length(max=200)])
