"""Which questions confuse people: per quiz and question, the share right and the most-chosen
wrong option, across the batches a trainer (or cell head, or admin) can see."""

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from markupsafe import Markup, escape
from sqlalchemy import Select, func, select

from lms.auth.models import User
from lms.batches.models import Batch
from lms.batches.services import batch_areas, batches_in_scope
from lms.core.paging import Page, page_of
from lms.courses.kinds import KINDS
from lms.courses.models import Course, CourseVersion, Lesson, Quiz
from lms.extensions import db
from lms.reports.models import ATTEMPTS, AnswerTally, RegionAnswerTally

PER_PAGE = 10  # quizzes per page
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
        common = self._most_common(TYPED_SHOWN if self.typed else 1)
        if self.typed:
            return [(escape(text) if text else escape(_("(left empty)")), times) for text, times in common]
        # Option text is trainer Markdown rendered and sanitised (nh3) when the course was published.
        return [
            (Markup(self.options.get(option, "")) if option else escape(_("(left empty)")), times)  # noqa: S704
            for option, times in common
        ]

    def _most_common(self, count: int) -> list[tuple[str, int]]:
        """The `count` most common wrong answers; ties in the options' order (typed answers:
        alphabetical, "left empty" last), so the page does not change between loads."""
        order = {option: index for index, option in enumerate(self.options)}

        def rank(item: tuple[str, int]) -> tuple:
            answer, times = item
            return (-times, answer == "", order.get(answer, len(order)), answer)

        return sorted(self.wrong_choices.items(), key=rank)[:count]

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


def quiz_stats(actor: User, page: int = 1) -> Page:
    """One page of the current quizzes of the courses of the actor's batches, each with the
    figures of their members' attempts (from the running tallies, reports/tallies.py)."""
    scoped = batches_in_scope(actor).with_only_columns(Batch.id)
    courses = select(Batch.course_id).where(Batch.id.in_(scoped)).distinct()
    quizzes = (
        select(Quiz)
        .join(CourseVersion, CourseVersion.id == Quiz.version_id)
        .join(Course, Course.live_version_id == CourseVersion.id)
        .join(Lesson, Lesson.id == Quiz.lesson_id)
        .where(Course.id.in_(courses))
        .order_by(CourseVersion.title, Course.id, Lesson.position, Quiz.id)
    )
    found = page_of(quizzes, page, PER_PAGE, scalars=True)
    regions, own = batch_areas(actor)
    found.items = [_stats(quiz, regions, own) for quiz in found.items]
    return found


def _stats(quiz: Quiz, regions: Select | None, own: Select) -> QuizStats:
    """The figures of this quiz as graded now, from the tallies of the regions and batches in
    scope, over every version graded alike (a typo fix in an explanation keeps them), options
    read as today's."""
    specs = quiz.spec["questions"]
    questions = [
        QuestionStats(
            q["html"], {o["id"]: o["html"] for o in KINDS[q["kind"]].shown_options(q)},
            typed=not KINDS[q["kind"]].has_options,
        )
        for q in specs
    ]  # fmt: skip
    same = _graded_alike(quiz)
    sums = _sums(AnswerTally, AnswerTally.batch_id.in_(own), list(same))
    if regions is not None:
        sums += _sums(RegionAnswerTally, RegionAnswerTally.region_id.in_(regions), list(same))
    attempts = 0
    for quiz_id, question, right, answer, times in sums:
        if question == ATTEMPTS:
            attempts += times
        elif right:
            questions[question].right += times
        else:
            wrong = answer if questions[question].typed else same[quiz_id].get(answer, answer)
            questions[question].wrong_choices[wrong] += times
    for stats in questions:
        stats.answered = attempts
    return QuizStats(quiz.version, quiz, attempts, questions)


def _sums(model, scope, quiz_ids: list[int]) -> list[tuple]:
    """(quiz id, question, right, answer, times) summed over the tally rows in scope."""
    columns = (model.quiz_id, model.question, model.right, model.answer)
    query = (
        select(*columns, func.sum(model.times)).where(model.quiz_id.in_(quiz_ids), scope).group_by(*columns)
    )
    return [tuple(row) for row in db.session.execute(query)]


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
