"""What people plugs into the app (lms/core/features.py)."""

from lms.core.features import Feature
from lms.jobs import asks as jobs
from lms.people import sheets
from lms.people.cli import regions_cli, users_cli
from lms.people.jobs import run_import
from lms.people.views import bp

feature = Feature(
    "people",
    blueprints=(bp,),
    commands=(regions_cli, users_cli),
    jobs={"people.import": run_import},
    answers=((jobs.housekeeping, sheets.remove_old_sheets),),
)
