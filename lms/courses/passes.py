"""What a new version does to learners' passes: nothing, unless its publisher asks.

Passes, best scores and attempt counts belong to a quiz's id and its round, never to a
version. A new version keeps each quiz's round, whatever changed; a quiz whose grading key
changed while people had passed it is listed for the publisher (`grading_changes`), who
may keep the passes (the default) or ask for a retake, which starts the quiz's next round.
"""

from collections.abc import Collection
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func

from lms.courses import asks
from lms.courses.models import Course, CourseFile, CourseVersion, Quiz
from lms.courses.parser import CourseSource, parse_course
from lms.courses.problems import CourseInvalid, Problem
from lms.courses.quizzes import grading_hash
from lms.extensions import db


@dataclass
class QuizChange:
    """A quiz of the live version whose grading key the new version changes."""

    key: str
    passed: int  # sahayaks who passed it in its current round


def source_gradings(source: CourseSource) -> dict[str, str]:
    """Each quiz id of a checked course with the hash of its grading key."""
    return {
        quiz.key: grading_hash(quiz, source.pass_mark) for lesson in source.lessons for quiz in lesson.quizzes
    }


def live_gradings(version: CourseVersion) -> dict[str, str]:
    """The grading key hash of each quiz of a stored version (read again from its files when
    it was published before the hashes were kept)."""
    stored = {quiz.key: quiz.grading_hash for quiz in version.quizzes}
    if all(stored.values()):
        return stored
    files = db.session.execute(db.select(CourseFile.path, CourseFile.data).filter_by(version_id=version.id))
    return source_gradings(parse_course(version.course.slug, dict(files.all())))


def grading_changes(course: Course, source: CourseSource) -> list[QuizChange]:
    """Quizzes of the live version whose grading key `source` changes, with how many passed
    them as they are.

    Hook "quiz_passers"(course id, {quiz id: round}): {quiz id: how many sahayaks passed it in
    that round} (learning answers)."""
    live = course.live_version
    if live is None:
        return []
    before, after = live_gradings(live), source_gradings(source)
    changed = [key for key, digest in after.items() if key in before and before[key] != digest]
    rounds = {quiz.key: quiz.round for quiz in live.quizzes if quiz.key in changed}
    counts: dict[str, int] = {}
    for answer in asks.quiz_passers.answers(course.id, rounds):
        counts |= answer
    return [QuizChange(key, counts.get(key, 0)) for key in changed]


def new_rounds(course: Course, source: CourseSource, retake: Collection[str]) -> dict[str, int]:
    """The round of each quiz of the new version: its latest round, the next one if a retake
    was asked for, 1 for a quiz id never published before."""
    latest = dict(
        db.session.execute(
            db.select(Quiz.key, func.max(Quiz.round))
            .join(CourseVersion, CourseVersion.id == Quiz.version_id)
            .where(CourseVersion.course_id == course.id)
            .group_by(Quiz.key)
        ).all()
    )
    keys = source_gradings(source)
    unknown = sorted(set(retake) - (set(keys) & set(latest)))
    if unknown:
        message = _l(
            "no quiz %(key)s was published in this course before: it cannot be retaken", key=unknown[0]
        )
        raise CourseInvalid([Problem("", 1, message)])
    return {key: latest[key] + (1 if key in retake else 0) if key in latest else 1 for key in keys}
