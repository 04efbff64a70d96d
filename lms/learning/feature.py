"""What learning plugs into the app (lms/core/features.py)."""

from lms.core.features import Feature
from lms.courses import asks as courses
from lms.jobs import asks as jobs
from lms.learning import answers, services, views
from lms.people import asks as people

feature = Feature(
    "learning",
    blueprints=(views.bp,),
    answers=(
        (courses.quiz_passers, services.passers),
        (courses.version_published, services.complete_qualified),
        (people.person_sections, answers.progress_section),
        (jobs.housekeeping, services.forget_old_pending),
    ),
    setup=views.init_app,  # answers kept across an expired session, recorded at sign-in
)
