"""What learning answers to the packages below it (lms/hooks.py)."""

from flask import Flask

from lms import hooks
from lms.auth.models import User
from lms.learning import services


def progress_section(actor: User, person: User) -> tuple[str, dict] | None:
    """On a person's page (seen only by those who may see the person): their courses, each
    lesson read or not, each quiz with tries and scores."""
    courses = services.my_courses(person)
    return ("learning/_person_progress.html", {"courses": courses}) if courses else None


def init_app(app: Flask) -> None:
    """Tell publishers how many passed a quiz ("quiz_passers", courses/passes.py), record the
    completions a new version grants ("version_published", courses/publishing.py) and show a
    person's progress on their page ("person_sections"); forget answers kept too long
    ("housekeeping")."""
    hooks.register(app, "quiz_passers", services.passers)
    hooks.register(app, "housekeeping", services.forget_old_pending)
    hooks.register(app, "person_sections", progress_section)
    hooks.register(app, "version_published", services.complete_qualified)
