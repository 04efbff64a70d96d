"""Grading quiz answers on the server: each question's kind judges it, grade() adds up."""

from dataclasses import dataclass

from lms.courses.kinds import KINDS


@dataclass
class Graded:
    """Per-question right/wrong, the score in percent, and pass or fail."""

    results: list[bool]
    score: int
    passed: bool


def grade(spec: dict, answers: dict, pass_mark: int) -> Graded:
    """Grade answers keyed by question index (as text); unanswered questions are wrong."""
    results = [KINDS[q["kind"]].right(q, answers.get(str(i))) for i, q in enumerate(spec["questions"])]
    score = round(100 * sum(results) / len(results)) if results else 0
    return Graded(results, score, score >= pass_mark)
