"""Grading quiz answers on the server: pure functions over a quiz spec."""

import re
import unicodedata
from dataclasses import dataclass

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
SPACES = re.compile(r"\s+")


@dataclass
class Graded:
    """Per-question right/wrong, the score in percent, and pass or fail."""

    results: list[bool]
    score: int
    passed: bool


def normalise_text(text: str) -> str:
    """NFC, no zero-width characters, single spaces, trimmed, case-folded."""
    text = unicodedata.normalize("NFC", text or "").translate(ZERO_WIDTH)
    return SPACES.sub(" ", text).strip().casefold()


def parse_number(text: str) -> float | None:
    """A number typed in Latin, Bengali or Devanagari digits, with . or , as decimal point."""
    cleaned = normalise_text(text).replace(" ", "")
    digits = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in cleaned)
    if digits.count(",") == 1 and "." not in digits:
        digits = digits.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", digits):
        return None
    return float(digits)


def question_right(question: dict, answer) -> bool:
    """Whether one answer (option ids, or typed text) is right for one question."""
    kind = question["kind"]
    if kind in ("single", "multiple"):
        chosen = set(answer if isinstance(answer, list) else [answer] if answer else [])
        right = {option["id"] for option in question["options"] if option["correct"]}
        return chosen == right
    if kind == "numeric":
        number = parse_number(answer if isinstance(answer, str) else "")
        return number is not None and abs(number - question["value"]) <= question["tolerance"] + 1e-9
    typed = normalise_text(answer if isinstance(answer, str) else "")
    return bool(typed) and typed in {normalise_text(text) for text in question["accepted"]}


def grade(spec: dict, answers: dict, pass_mark: int) -> Graded:
    """Grade answers keyed by question index (as text); unanswered questions are wrong."""
    results = [question_right(q, answers.get(str(i))) for i, q in enumerate(spec["questions"])]
    score = round(100 * sum(results) / len(results)) if results else 0
    return Graded(results, score, score >= pass_mark)
