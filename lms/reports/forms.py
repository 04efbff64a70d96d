"""The target form."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField
from wtforms.validators import InputRequired

from lms.core.forms import Form, WholeNumberField

MAX_TARGET = 10_000_000  # sahayaks: far beyond any region's, well within an INTEGER column


class TargetForm(Form):
    """How many sahayaks should complete, by when."""

    target = WholeNumberField(
        _l("Target: sahayaks who complete a course"), validators=[InputRequired()], low=1, high=MAX_TARGET
    )
    due_on = DateField(_l("Due date"), validators=[InputRequired()])
