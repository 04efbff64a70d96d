"""What certificates plugs into the app (lms/core/features.py)."""

from lms.certificates import answers, jobs
from lms.certificates.cli import certificates_cli
from lms.certificates.views import bp
from lms.core.features import Feature
from lms.people import asks as people

feature = Feature(
    "certificates",
    blueprints=(bp,),
    commands=(certificates_cli,),
    jobs={
        "certificates.zip": jobs.build_zip,
        "certificates.issue": jobs.issue_all,
        "certificates.render": jobs.render_all,
    },
    answers=((people.person_sections, answers.certificates_section),),
)
