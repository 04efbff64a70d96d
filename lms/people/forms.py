"""Forms for managing people."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired


class ImportUsersForm(FlaskForm):
    """A CSV file of people to register."""

    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv"], _l("Choose a .csv file."))],
    )
