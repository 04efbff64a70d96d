"""Which questions confuse people: per quiz and question, the share right and the most-chosen
wrong option, across the batches a trainer (or cell head, or admin) can see."""

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import select

from lms.auth.models import User
from lms.batches.models import Batch, Membership
from lms.batches.services import batches_in_scope
from lms.courses.kinds import KINDS
from lms.courses.models import Course, CourseVersion, Quiz
from lms.extensions import db
from lms.learning.models import Attempt

CHUNK = 2000
TYPED_SHOWN = 3  # typed wrong answers shown per question


@dataclass
class QuestionStats:
    """How one question went."""

    html: str
    options: dict[str, str]
    answered: int = 0
    right: int = 0
    wrong_choices: Counter = field(default_factory=Counter)  # option ids, or typed answers
    typed: bool = False  # answers are typed, not options chosen

    @property
    def share_right(self) -> int | None:
        return round(100 * self.right / self.answered) if self.answered else None

    @property
    def wrong_answers(self) -> list[tuple[Markup, int]]:
        """The most common wrong answers, as (html, times): up to three typed answers (what
        learners wrote, escaped) or the most chosen wrong option."""
        common = self.wrong_choices.most_common(TYPED_SHOWN if self.typed else 1)
        if self.typed:
            return [(escape(text) if text else escape(_("(left empty)")), times) for text, times in common]
        # Option text is trainer Markdown rendered and sanitised (nh3) when the course was published.
        return [
            (Markup(self.options.get(option, "")) if option else escape(_("(left empty)")), times)  # noqa: S704
            for option, times in common
        ]

    @property
    def top_wrong(self) -> tuple[Markup, int] | None:
        """The most common wrong answer, as (html, times)."""
        answers = self.wrong_answers
        return answers[0] if answers else None


@dataclass
class QuizStats:
    """A quiz of a course as it is now, with its questions' figures."""

    version: CourseVersion
    quiz: Quiz
    attempts: int
    questions: list[QuestionStats]


def quiz_stats(actor: User) -> list[QuizStats]:
    """Current quizzes of the courses of the actor's batches, from their members' attempts."""
    scoped = batches_in_scope(actor).subquery()
    courses = select(Batch.course_id).join(scoped, scoped.c.id == Batch.id).distinct()
    members = select(Membership.user_id).join(scoped, scoped.c.id == Membership.batch_id)
    versions = db.session.execute(
        select(CourseVersion)
        .join(Course, Course.live_version_id == CourseVersion.id)
        .where(Course.id.in_(courses))
    ).scalars()
    results = []
    for version in versions:
        for quiz in version.quizzes:
            results.append(_stats(version, quiz, members))
    return results


def _stats(version: CourseVersion, quiz: Quiz, members) -> QuizStats:
    """Tally, in chunks, the attempts at this quiz as graded now: in any version whose grading
    key is the same (a typo fix in an explanation keeps the figures), options read as today's."""
    specs = quiz.spec["questions"]
    kinds = [KINDS[q["kind"]] for q in specs]
    questions = [
        QuestionStats(
            q["html"], {o["id"]: o["html"] for o in kind.shown_options(q)}, typed=not kind.has_options
        )
        for q, kind in zip(specs, kinds, strict=True)
    ]
    same = _graded_alike(quiz)
    query = select(Attempt.quiz_id, Attempt.answers, Attempt.results).where(
        Attempt.quiz_id.in_(list(same)), Attempt.user_id.in_(members)
    )
    count = 0
    for quiz_id, answers, outcome in db.session.execute(query.execution_options(yield_per=CHUNK)):
        if not outcome:
            continue
        count += 1
        for index, stats in enumerate(questions):
            stats.answered += 1
            stats.right += bool(outcome[index])
            if not outcome[index]:
                answer = _as_today(same[quiz_id], (answers or {}).get(str(index)))
                typed = kinds[index].typed_answer(answer)
                if typed is None:  # options: the wrong ones chosen, or none chosen at all
                    chosen = kinds[index].wrong_choices(specs[index], answer)
                    stats.wrong_choices.update(chosen or ([""] if not answer else []))
                else:
                    stats.wrong_choices.update([typed])
    return QuizStats(version, quiz, count, questions)


def _graded_alike(quiz: Quiz) -> dict[int, dict[str, str]]:
    """The quizzes of this course graded exactly like `quiz` (itself included), each with a map
    from its option ids to `quiz`'s (the same options in the same order, other ids)."""
    alike = Quiz.content_hash == quiz.content_hash
    if quiz.grading_hash:
        alike = alike | (Quiz.grading_hash == quiz.grading_hash)
    rows = db.session.execute(
        select(Quiz.id, Quiz.spec)
        .join(CourseVersion, CourseVersion.id == Quiz.version_id)
        .where(CourseVersion.course_id == quiz.version.course_id, Quiz.key == quiz.key, alike)
    )
    return {quiz_id: _option_ids(spec, quiz.spec) for quiz_id, spec in rows}


def _option_ids(old: dict, new: dict) -> dict[str, str]:
    """Option ids of one spec mapped to those of another with the same questions and options."""
    mapping = {}
    for before, after in zip(old["questions"], new["questions"], strict=True):
        kind = KINDS[after["kind"]]
        for option, same in zip(kind.shown_options(before), kind.shown_options(after), strict=True):
            mapping[option["id"]] = same["id"]
    return mapping


def _as_today(mapping: dict[str, str], answer):
    """An answer given to an earlier version, its option ids read as today's."""
    if isinstance(answer, list):
        return [mapping.get(item, item) for item in answer]
    return mapping.get(answer, answer) if isinstance(answer, str) else answer
