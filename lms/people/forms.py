"""Forms for managing people."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from lms.core.forms import Form


class ImportUsersForm(Form):
    """A CSV file of people to register."""

    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv"], _l("Choose a .csv file."))],
    )


class EditPersonForm(Form):
    """A person's details as a cell head or admin corrects them."""

    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    phone = StringField(_l("Mobile number"), validators=[DataRequired(), Length(max=32)])
    region_code = StringField(_l("Region"), validators=[Length(max=64)])
    role = SelectField(_l("Role"), validators=[InputRequired()])


class DeactivateForm(Form):
    """Why someone is being deactivated."""

    reason = StringField(_l("Why (kept in the audit log)"), validators=[DataRequired(), Length(max=300)])
