"""What reports plugs into the app (lms/core/features.py): dashboards, and the per-question
tallies kept as attempts are recorded, people join batches and regions move."""

from lms.batches import asks as batches
from lms.core.features import Feature
from lms.learning import asks as learning
from lms.people import asks as people
from lms.reports import tallies
from lms.reports.cli import reports_cli
from lms.reports.views import bp

feature = Feature(
    "reports",
    blueprints=(bp,),
    commands=(reports_cli,),
    answers=(
        (learning.attempt_recorded, tallies.count_attempt),
        (batches.member_joined, tallies.count_member),
        (people.regions_moved, tallies.roll_up_regions),
    ),
)
