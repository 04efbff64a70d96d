"""What batches plugs into the app (lms/core/features.py)."""

from lms.batches import answers, attempts, services
from lms.batches.views import bp
from lms.core.features import Feature
from lms.learning import asks as learning
from lms.people import asks as people

feature = Feature(
    "batches",
    blueprints=(bp,),
    answers=(
        (people.person_sections, answers.leadership_section),
        (people.person_sections, answers.tries_section),
        (people.person_sections, answers.batches_section),
        (people.import_rule, answers.member_import_rule),
        (learning.enrolled_courses, answers.joined_courses),
    ),
    rules={"lead_batch": services.may_lead, "give_tries": attempts.may_give_tries},
)
