"""Sign-in and password forms."""

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from lms.core.forms import Form


class LoginForm(Form):
    """Mobile number and password."""

    phone = StringField(_l("Mobile number"), validators=[DataRequired(), Length(max=32)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class FirstPasswordForm(Form):
    """The new password twice (after signing in with a one-time password)."""

    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("New password again"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
    )


class ChangePasswordForm(FirstPasswordForm):
    """Current password, and the new one twice."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])
