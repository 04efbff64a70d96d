"""Forms for batches, joining and registering."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from lms.core.forms import Form, WholeNumberField
from lms.core.ids import id_number


class BatchForm(Form):
    """A new batch: course, name, place, date and region."""

    course_id = SelectField(_l("Course"), coerce=id_number, validators=[InputRequired()])
    name = StringField(_l("Batch name"), validators=[DataRequired(), Length(max=200)])
    place = StringField(_l("Place"), validators=[Length(max=200)])
    starts_on = DateField(_l("Date"), validators=[InputRequired()])
    region_code = StringField(_l("Region"), validators=[DataRequired(), Length(max=64)])


class CodeForm(Form):
    """The join code as typed."""

    code = StringField(_l("Batch code"), validators=[DataRequired(), Length(max=32)])


class RegisterForm(Form):
    """A new sahayak joining a batch."""

    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)])
    phone = StringField(_l("Mobile number"), validators=[DataRequired(), Length(max=32)])
    region_id = HiddenField(validators=[DataRequired()])
    password = PasswordField(_l("Choose a password"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords differ."))],
    )


class LeaderForm(Form):
    """Make a sahayak a batch leader for a course they completed."""

    course_id = WholeNumberField(validators=[InputRequired()])


class MembersCsvForm(Form):
    """A CSV of new people to register into the batch."""

    file = FileField(
        _l("CSV file"), validators=[FileRequired(), FileAllowed(["csv"], _l("Choose a .csv file."))]
    )


TRIES_CHOICES = [
    SelectChoice("1", _l("1 more try")),
    SelectChoice("2", _l("2 more tries")),
    SelectChoice("3", _l("3 more tries")),
    SelectChoice("reset", _l("Start again: the quiz's full number of tries")),
]


class GiveTriesForm(Form):
    """More tries at one quiz for one learner, with the reason."""

    quiz_id = SelectField(_l("Quiz"), coerce=id_number, validators=[InputRequired()])
    tries = SelectField(_l("Tries"), choices=TRIES_CHOICES, default="1", validators=[InputRequired()])
    reason = StringField(_l("Why (kept in the audit log)"), validators=[DataRequired(), Length(max=300)])


class BatchTriesForm(Form):
    """One more try at a quiz for every member out of tries at it."""

    quiz_id = HiddenField(validators=[DataRequired()])
    reason = StringField(_l("Why (kept in the audit log)"), validators=[DataRequired(), Length(max=300)])
