"""What courses plugs into the app (lms/core/features.py)."""

from lms.core.features import Feature
from lms.courses import owners
from lms.courses.cli import courses_cli
from lms.courses.views import bp

feature = Feature(
    "courses", blueprints=(bp,), commands=(courses_cli,), rules={"edit_course": owners.may_edit}
)
