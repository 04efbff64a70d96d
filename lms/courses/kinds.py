"""Question kinds: one class per kind decides, stores, shows, reads, grades and reports its questions.

The parser asks `kind_of`; everything after publishing looks the stored kind name up in `KINDS`.
A new kind is one class here plus its two templates, never a new branch elsewhere.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from werkzeug.datastructures import MultiDict

    from lms.courses.quizzes import Question  # which imports this module to decide its kind

Answer = str | list[str] | None
Render = Callable[[str], str]  # one line of course Markdown to safe inline HTML

ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
SPACES = re.compile(r"\s+")
DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
# Slack for numbers on the edge of the tolerance: in binary floating point 0.9 is
# 0.20000000000000007 away from 1.1, which should count as within 0.2.
EPSILON = 1e-9


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
    if not DECIMAL.fullmatch(digits):
        return None
    return float(digits)


def chosen_options(answer: Answer) -> set[str]:
    """The option ids in an answer: a list (several), one id (a radio button), or none."""
    return set(answer if isinstance(answer, list) else [answer] if answer else [])


def option_id(salt: str, index: int) -> str:
    """An opaque option id: a hash of the quiz content, question and position, so it says
    nothing about which option is right and stays the same while the quiz is unchanged."""
    return hashlib.sha256(f"{salt}:{index}".encode()).hexdigest()[:12]


class Kind(ABC):
    """What every question kind answers; a stored question is a dict, a parsed one a Question."""

    name: ClassVar[str]
    form_template: ClassVar[str]  # the inputs of the quiz form, given `question`, `name`, `quiz`
    key_template: ClassVar[str]  # the answer key in the editor's preview, given the parsed `question`
    has_options: ClassVar[bool] = False
    several: ClassVar[bool] = False  # a learner may choose more than one option

    @abstractmethod
    def claims(self, question: Question) -> bool:
        """Whether a parsed question is of this kind; exactly one kind claims each question."""

    @abstractmethod
    def spec(self, question: Question, render: Render, salt: str) -> dict:
        """This kind's part of the stored question: what showing and grading need."""

    @abstractmethod
    def grading_key(self, question: Question) -> list:
        """What decides right and wrong in a parsed question, beyond its text (never feedback)."""

    @abstractmethod
    def right(self, question: dict, answer: Answer) -> bool:
        """Whether an answer is right for a stored question."""

    @abstractmethod
    def sample(self, question: dict) -> Answer:
        """A right answer as the form posts it (for benchmarks and tests)."""

    def shown_options(self, question: dict) -> list[dict]:
        """Options as learners see them: id and HTML, no right/wrong marks or feedback."""
        return []

    def read(self, form: MultiDict, name: str) -> Answer:
        """The answer posted under `name`, bounded in length."""
        return (form.get(name) or "")[:200]

    def result(self, question: dict, answer: Answer) -> dict:
        """What the result page shows of an answer: options marked chosen, typed text, feedback."""
        return {"options": [], "typed": answer, "feedback": []}

    def wrong_choices(self, question: dict, answer: Answer) -> list[str]:
        """The wrong options a wrong answer chose, for reports; none unless the kind has options."""
        return []

    def typed_answer(self, answer: Answer) -> str | None:
        """A typed answer as reports group it ('' when left empty); None for kinds with options."""
        return None


class ChoiceKind(Kind):
    """Options marked right or wrong, each with optional feedback."""

    has_options = True
    key_template = "courses/answer_keys/options.html"

    def spec(self, question: Question, render: Render, salt: str) -> dict:
        """Options with opaque ids, rendered text, right or wrong, rendered feedback."""
        return {
            "options": [
                {
                    "id": option_id(salt, index),
                    "html": render(option.text),
                    "correct": option.correct,
                    "feedback_html": render(option.feedback) if option.feedback else "",
                }
                for index, option in enumerate(question.options)
            ]
        }

    def grading_key(self, question: Question) -> list:
        """Each option's text and whether it is right, in order (feedback is not graded)."""
        return [[option.text, option.correct] for option in question.options]

    def right(self, question: dict, answer: Answer) -> bool:
        """Exactly the right options, no more and no fewer."""
        return chosen_options(answer) == {o["id"] for o in question["options"] if o["correct"]}

    def shown_options(self, question: dict) -> list[dict]:
        """Id and HTML of every option, in the stored order."""
        return [{"id": option["id"], "html": option["html"]} for option in question["options"]]

    def result(self, question: dict, answer: Answer) -> dict:
        """Every option marked chosen or not, and the feedback of the chosen ones."""
        chosen = chosen_options(answer)
        options = [{**option, "chosen": option["id"] in chosen} for option in question["options"]]
        feedback = [o["feedback_html"] for o in options if o["chosen"] and o["feedback_html"]]
        return {"options": options, "typed": None, "feedback": feedback}

    def wrong_choices(self, question: dict, answer: Answer) -> list[str]:
        """Chosen options that are wrong, in the stored order (so ties in reports are stable)."""
        chosen = chosen_options(answer)
        return [o["id"] for o in question["options"] if not o["correct"] and o["id"] in chosen]


class Single(ChoiceKind):
    """One right option: radio buttons."""

    name = "single"
    form_template = "learning/questions/single.html"

    def claims(self, question: Question) -> bool:
        """Options with at most one marked right (none is a problem the checker reports)."""
        return bool(question.options) and sum(o.correct for o in question.options) <= 1

    def sample(self, question: dict) -> Answer:
        """The right option's id."""
        return next(o["id"] for o in question["options"] if o["correct"])


class Multiple(ChoiceKind):
    """Several right options: check boxes, all right ones and no wrong one to be right."""

    name = "multiple"
    form_template = "learning/questions/multiple.html"
    several = True

    def claims(self, question: Question) -> bool:
        """Options with more than one marked right."""
        return sum(o.correct for o in question.options) > 1

    def sample(self, question: dict) -> Answer:
        """The right options' ids."""
        return [o["id"] for o in question["options"] if o["correct"]]

    def read(self, form: MultiDict, name: str) -> Answer:
        """Every checked option's id, bounded in length and number."""
        return [value[:32] for value in form.getlist(name)][:50]


class Text(Kind):
    """Typed text matching one of the accepted answers after normalising."""

    name = "text"
    form_template = "learning/questions/text.html"
    key_template = "courses/answer_keys/text.html"

    def claims(self, question: Question) -> bool:
        """No options and no number: an `= a | b` line (or nothing, which the checker reports)."""
        return not question.options and question.value is None

    def spec(self, question: Question, render: Render, salt: str) -> dict:
        """The accepted answers as written."""
        return {"accepted": question.accepted}

    def grading_key(self, question: Question) -> list:
        """The accepted answers."""
        return list(question.accepted)

    def right(self, question: dict, answer: Answer) -> bool:
        """Equal to an accepted answer once both are normalised; empty is never right."""
        typed = normalise_text(answer if isinstance(answer, str) else "")
        return bool(typed) and typed in {normalise_text(text) for text in question["accepted"]}

    def sample(self, question: dict) -> Answer:
        """The first accepted answer."""
        return question["accepted"][0]

    def typed_answer(self, answer: Answer) -> str | None:
        """Normalised as for grading, so 'Schedule ' and 'schedule' count as one."""
        return normalise_text(answer if isinstance(answer, str) else "")


class Numeric(Kind):
    """A typed number within the tolerance of the value."""

    name = "numeric"
    form_template = "learning/questions/numeric.html"
    key_template = "courses/answer_keys/numeric.html"

    def claims(self, question: Question) -> bool:
        """No options and an `= N +- T` line."""
        return not question.options and question.value is not None

    def spec(self, question: Question, render: Render, salt: str) -> dict:
        """The value and the tolerance."""
        return {"value": question.value, "tolerance": question.tolerance}

    def grading_key(self, question: Question) -> list:
        """The value and the tolerance."""
        return [question.value, question.tolerance]

    def right(self, question: dict, answer: Answer) -> bool:
        """A number (any digits) no further from the value than the tolerance."""
        number = parse_number(answer if isinstance(answer, str) else "")
        return number is not None and abs(number - question["value"]) <= question["tolerance"] + EPSILON

    def typed_answer(self, answer: Answer) -> str | None:
        """As typed, spaces tidied (a number in any digits: the trainer sees what was written)."""
        return " ".join(answer.split()) if isinstance(answer, str) else ""

    def sample(self, question: dict) -> Answer:
        """The value in plain digits (never 1e-07, which learners cannot type)."""
        return format(Decimal(repr(question["value"])), "f")


KINDS: dict[str, Kind] = {kind.name: kind for kind in (Single(), Multiple(), Text(), Numeric())}


def kind_of(question: Question) -> Kind:
    """The kind that claims a parsed question."""
    return next(kind for kind in KINDS.values() if kind.claims(question))
