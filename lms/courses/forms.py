"""Forms for managing courses on the web."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from lms.core.forms import Form

NEW_COURSE = ""  # the course select's choice for "a new course"


class UploadCourseForm(Form):
    """A course packed as .zip, and the course it goes to: one the uploader owns, or a new one."""

    archive = FileField(
        _l("Course archive (.zip)"),
        validators=[FileRequired(), FileAllowed(["zip"], _l("Choose a .zip file."))],
    )
    course = SelectField(_l("Course it updates"), choices=[], validate_choice=False)
    new_slug = StringField(_l("Id of the new course"), validators=[Length(max=100)])

    def validate_course(self, field) -> None:
        """An existing course among the choices, or a new course with an id typed."""
        if field.data not in {choice[0] for choice in self.course.choices}:
            raise ValidationError(_l("Not a valid choice."))
        if field.data == NEW_COURSE and not (self.new_slug.data or "").strip():
            raise ValidationError(_l("Choose a course, or type the id of a new one."))


class EditForm(Form):
    """The Markdown text of one course file; buttons choose preview, save or publish."""

    text = TextAreaField(_l("Markdown"), validators=[InputRequired(), Length(max=500_000)])


class OwnerForm(Form):
    """A trainer to co-own a course, by mobile number."""

    phone = StringField(_l("Mobile number of the trainer"), validators=[DataRequired(), Length(max=32)])
