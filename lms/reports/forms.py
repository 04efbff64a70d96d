"""The target form."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from lms.forms import Form


class TargetForm(Form):
    """How many sahayaks should complete, by when."""

    target = IntegerField(
        _l("Target: sahayaks who complete a course"), validators=[InputRequired(), NumberRange(min=1)]
    )
    due_on = DateField(_l("Due date"), validators=[InputRequired()])
