"""Forms for publishing courses from the web."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from lms.forms import Form


class UploadCourseForm(Form):
    """A course folder packed as .zip."""

    archive = FileField(
        _l("Course archive (.zip)"),
        validators=[FileRequired(), FileAllowed(["zip"], _l("Choose a .zip file."))],
    )


class EditForm(Form):
    """The Markdown text of one course file; buttons choose preview, save or publish."""

    text = TextAreaField(_l("Markdown"), validators=[InputRequired(), Length(max=500_000)])
