"""The questions `courses` asks the packages above it (lms/core/hooks.py)."""

from lms.core.hooks import hook
from lms.courses.models import Course


@hook
def quiz_passers(course_id: int, rounds: dict[str, int]) -> dict[str, int]:
    """For a publisher deciding on quizzes whose grading changed: how many sahayaks passed each
    quiz (by its key) in the round given for it."""


@hook
def version_published(course: Course) -> int:
    """A new version of `course` is live, in the current transaction: record what follows from
    it (the completions it now grants); how many records were added."""
