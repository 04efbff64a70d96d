"""Quiz blocks: ```quiz id=… fences parsed into questions, with every problem's line."""

import hashlib
import json
import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from lms.core.ids import whole_number
from lms.courses.kinds import kind_of

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
MAX_ATTEMPTS = 100  # tries a quiz may allow
LARGEST_ANSWER = 1e15  # a numeric answer or tolerance: beyond this a float loses whole units
OPTION = re.compile(r"^- \[([ xX])\](?: (.*))?$")
OPTION_TYPO = re.compile(r"^\s*[-*+]\s*\[[^\]]*\]")
ATTRIBUTES = ("id", "pass_mark", "attempts", "shuffle")


@dataclass
class Option:
    """One choice: its text, whether it is right, and feedback shown after submission."""

    text: str
    correct: bool
    feedback: str = ""


@dataclass
class Question:
    """A question with options, or with an `=` answer line; its kind follows from which."""

    line: int
    text: str
    options: list[Option] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    value: float | None = None
    tolerance: float | None = None
    answer_line: int | None = None

    @property
    def kind(self) -> str:
        """The name of the kind that claims this question (lms/courses/kinds.py)."""
        return kind_of(self).name


@dataclass
class QuizBlock:
    """A parsed quiz fence."""

    line: int  # the fence line
    key: str = ""
    pass_mark: int | None = None
    attempts: int | None = None
    shuffle: bool = False
    questions: list[Question] = field(default_factory=list)
    explanation: str = ""
    content_hash: str = ""


def grading_hash(quiz: QuizBlock, course_pass_mark: int) -> str:
    """A hash of the quiz's grading key: what decides right and wrong (each question's text,
    kind and answers, and the pass mark). Explanations, feedback, attempts, shuffle and the
    prose around the quiz are not part of it, so editing them never costs anyone a pass."""
    key = {
        "pass_mark": course_pass_mark if quiz.pass_mark is None else quiz.pass_mark,
        "questions": [[q.text, kind_of(q).name, kind_of(q).grading_key(q)] for q in quiz.questions],
    }
    return hashlib.sha256(json.dumps(key, ensure_ascii=False, sort_keys=True).encode("utf-8")).hexdigest()


def is_quiz_info(info: str) -> bool:
    """A fence's info string names a quiz when its first word is `quiz`."""
    return info.split(maxsplit=1)[0] == "quiz" if info.strip() else False


def parse_quiz(info: str, body: list[str], fence_line: int) -> tuple[QuizBlock, list[tuple[int, str]]]:
    """Parse one quiz fence; return the block and (line, message) problems."""
    quiz = QuizBlock(line=fence_line)
    problems = _parse_attributes(info, quiz)
    problems += _parse_body(body, fence_line, quiz)
    canonical = "\n".join([info.strip(), *(line.rstrip() for line in body)])
    quiz.content_hash = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return quiz, problems


def _parse_attributes(info: str, quiz: QuizBlock) -> list[tuple[int, str]]:
    """`key=value` words after `quiz`; problems are on the fence line."""
    problems, seen = [], set()
    for word in info.split()[1:]:
        key, sep, value = word.partition("=")
        if not sep:
            problems.append(_l("quiz attribute %(word)r must be written key=value", word=word))
        elif key not in ATTRIBUTES:
            problems.append(_l("unknown quiz attribute %(key)r", key=key))
        elif key in seen:
            problems.append(_l("quiz attribute %(key)r is given twice", key=key))
        else:
            seen.add(key)
            message = _set_attribute(quiz, key, value)
            if message:
                problems.append(message)
    if "id" not in seen:
        problems.append(_l("a quiz needs an id, e.g. ```quiz id=safe-passwords"))
    return [(quiz.line, message) for message in problems]


def _set_attribute(quiz: QuizBlock, key: str, value: str):
    """Store one attribute, or return the message saying why it is wrong."""
    if key == "id":
        if not ID_PATTERN.match(value):
            return _l("quiz id %(value)r: use lowercase letters, digits and hyphens", value=value)
        quiz.key = value
    elif key == "pass_mark":
        try:
            quiz.pass_mark = whole_number(value, 0, 100)
        except ValueError:
            return _l("pass_mark must be a whole number from 0 to 100")
    elif key == "attempts":
        try:
            quiz.attempts = whole_number(value, 1, MAX_ATTEMPTS)
        except ValueError:
            return _l("attempts must be a whole number from 1 to %(high)d", high=MAX_ATTEMPTS)
    elif value in ("true", "false"):
        quiz.shuffle = value == "true"
    else:
        return _l("shuffle must be true or false")
    return None


def _parse_body(body: list[str], fence_line: int, quiz: QuizBlock) -> list[tuple[int, str]]:
    """Questions, options, answers, feedback and the closing explanation."""
    problems: list[tuple[int, str]] = []
    explanation: list[str] | None = None
    question: Question | None = None
    option: Option | None = None
    for offset, raw in enumerate(body, start=1):
        number, line = fence_line + offset, raw.rstrip()
        if explanation is not None:
            explanation.append(raw)
        elif line == "---":
            explanation = []
        elif not line.strip():
            option = None
        elif line.startswith("? ") or line == "?":
            question, option = Question(line=number, text=line[1:].strip()), None
            quiz.questions.append(question)
            if not question.text:
                problems.append((number, _l("the question has no text after ?")))
        else:
            option = _parse_line(line, number, question, option, problems)
    quiz.explanation = "\n".join(explanation or []).strip()
    for item in quiz.questions:
        problems += _check_question(item)
    if not quiz.questions:
        problems.append((fence_line, _l("a quiz needs at least one question (a line starting with ? )")))
    return problems


def _parse_line(line: str, number: int, question, option, problems) -> Option | None:
    """An option, an answer or a feedback line; returns the option feedback may attach to."""
    if line[:1].isspace() and line.strip().startswith(">"):
        if option is None:
            problems.append((number, _l("a feedback line (>) must be indented under an option")))
        else:
            text = line.strip()[1:].strip()
            option.feedback = f"{option.feedback}\n{text}".strip()
        return option
    if question is None:
        problems.append((number, _l("start each question with a line beginning with ? ")))
        return None
    match = OPTION.match(line)
    if match:
        return _add_option(question, match, number, problems)
    if line.startswith("= ") or line == "=":
        _add_answer(question, line[1:].strip(), number, problems)
        return None
    if OPTION_TYPO.match(line):
        problems.append((number, _l("write an option as - [x] text (right) or - [ ] text (wrong)")))
    else:
        problems.append(
            (number, _l("unexpected line in a quiz: use ?, - [x], - [ ], =, an indented > or ---"))
        )
    return None


def _add_option(question: Question, match, number: int, problems) -> Option | None:
    """Add an option unless the question already has an = answer."""
    if question.answer_line is not None:
        problems.append((number, _l("a question has either options or an = line, not both")))
        return None
    text = (match.group(2) or "").strip()
    if not text:
        problems.append((number, _l("the option has no text")))
    option = Option(text=text, correct=match.group(1) in "xX")
    question.options.append(option)
    return option


def _add_answer(question: Question, text: str, number: int, problems) -> None:
    """A numeric `N +- T` or text `a | b` answer; one per question."""
    if question.options:
        problems.append((number, _l("a question has either options or an = line, not both")))
        return
    if question.answer_line is not None:
        problems.append((number, _l("a question may have only one = line")))
        return
    question.answer_line = number
    if "+-" in text:
        value, _, tolerance = (part.strip() for part in text.partition("+-"))
        if not (NUMBER.match(value) and NUMBER.match(tolerance)) or float(tolerance) < 0:
            problems.append((number, _l("a numeric answer is written NUMBER +- TOLERANCE, e.g. = 42 +- 0")))
            return
        if not all(abs(float(part)) <= LARGEST_ANSWER for part in (value, tolerance)):
            problems.append((number, _l("a numeric answer and its tolerance must be at most 10^15")))
            return
        question.value, question.tolerance = float(value), float(tolerance)
        return
    question.accepted = [part.strip() for part in text.split("|") if part.strip()]
    if not question.accepted:
        problems.append((number, _l("the = line has no accepted answer")))


def _check_question(question: Question) -> list[tuple[int, str]]:
    """Every question has an answer: two or more options with a right one, or one = line."""
    if question.answer_line is not None:
        return []
    if not question.options:
        return [(question.line, _l("the question needs options (- [x] / - [ ]) or an = answer line"))]
    problems = []
    if len(question.options) < 2:
        problems.append((question.line, _l("a question with options needs at least two")))
    if not any(option.correct for option in question.options):
        problems.append((question.line, _l("mark at least one option right with - [x]")))
    return problems
