"""What learning answers to the questions of the packages below it (named in lms/learning/feature.py)."""

from lms.auth.models import User
from lms.learning import services


def progress_section(actor: User, person: User) -> tuple[str, dict] | None:
    """On a person's page (seen only by those who may see the person): their courses, each
    lesson read or not, each quiz with tries and scores."""
    courses = services.my_courses(person)
    return ("learning/_person_progress.html", {"courses": courses}) if courses else None
