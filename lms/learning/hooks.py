"""What learning answers to the packages below it (lms/hooks.py)."""

from flask import Flask

from lms import hooks
from lms.learning import services


def init_app(app: Flask) -> None:
    """Tell publishers how many passed a quiz ("quiz_passers", courses/passes.py) and record the
    completions a new version grants ("version_published", courses/publishing.py)."""
    hooks.register(app, "quiz_passers", services.passers)
    hooks.register(app, "version_published", services.complete_qualified)
