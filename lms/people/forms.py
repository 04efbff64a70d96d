"""Forms for managing people."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired

from lms.forms import Form


class ImportUsersForm(Form):
    """A CSV file of people to register."""

    file = FileField(
        _l("CSV file"),
        validators=[FileRequired(), FileAllowed(["csv"], _l("Choose a .csv file."))],
    )
