"""Reading a course folder's files into a checked course, collecting every problem."""

import hashlib
import posixpath
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l

from lms.core.i18n import languages
from lms.courses.frontmatter import split_front_matter
from lms.courses.problems import Problem
from lms.courses.quizzes import QuizBlock, is_quiz_info, parse_quiz

SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_NAME = re.compile(r"^(\d{2,})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
FENCE = re.compile(r"^(`{3,}|~{3,})(.*)$")
# Linear on any line: link text and target stop at the next bracket, a title within 300
# characters (a hostile line of 40,000 "[a](x \"" made the old pattern take minutes).
LINK = re.compile(r"(!?)\[[^\[\]]*\]\(\s*<?([^)\[\]\s<>]+)>?(?:\s+[\"'][^)]{0,300})?\)")
COURSE_KEYS = {"title", "lang", "summary", "pass_mark", "certificate"}
LESSON_KEYS = {"title", "duration_min"}
MAX_DURATION = 1_000  # minutes a lesson may say it takes
ASSET_TYPES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


@dataclass
class LessonSource:
    """A checked lesson: Markdown parts with its quizzes in place."""

    path: str
    position: int
    slug: str
    title: str
    duration_min: int | None
    parts: list[str | QuizBlock] = field(default_factory=list)

    @property
    def quizzes(self) -> list[QuizBlock]:
        """The lesson's quizzes in order."""
        return [part for part in self.parts if isinstance(part, QuizBlock)]


@dataclass
class CourseSource:
    """Everything in a course folder, checked."""

    slug: str
    files: dict[str, bytes]
    title: str = ""
    lang: str = "en"
    summary: str = ""
    pass_mark: int = 70
    certificate: bool = True
    intro: str = ""
    lessons: list[LessonSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def content_hash(self) -> str:
        """sha256 over every file's path and content."""
        digest = hashlib.sha256()
        for path in sorted(self.files):
            digest.update(path.encode() + b"\0" + hashlib.sha256(self.files[path]).digest())
        return digest.hexdigest()

    @property
    def assets(self) -> dict[str, bytes]:
        """Files other than course.md and lessons (images and the like)."""
        markdown = {"course.md", *(lesson.path for lesson in self.lessons)}
        return {path: data for path, data in self.files.items() if path not in markdown}


def parse_course(slug: str, files: dict[str, bytes]) -> CourseSource:
    """Parse and check a whole course; problems are collected, never raised."""
    course = CourseSource(slug=slug, files=files)
    if not SLUG_PATTERN.match(slug):
        course.problems.append(
            Problem(
                "", 1, _l("course folder name %(slug)r: use lowercase letters, digits and hyphens", slug=slug)
            )
        )
    texts = _decode_all(course)
    _parse_intro(course, texts)
    _parse_lessons(course, texts)
    _check_quiz_ids(course)
    for path, text in texts.items():
        _check_links(course, path, text)
    return course


def too_large(data: bytes) -> bool:
    """Whether a Markdown file is over the size limit (it is then never parsed or rendered)."""
    return len(data) > current_app.config["LESSON_MAX_BYTES"]


def _decode_all(course: CourseSource) -> dict[str, str]:
    """UTF-8 text of every Markdown file at the top; other top-level files are problems."""
    texts = {}
    for path in sorted(course.files):
        if "/" in path:  # assets live in folders such as images/
            if not path.lower().endswith(ASSET_TYPES):
                message = _l("only pictures (PNG, JPEG, GIF, WebP) may be added to a course")
                course.problems.append(Problem(path, 1, message))
            continue
        if path != "course.md" and not LESSON_NAME.match(path):
            message = _l(
                "unexpected file: lessons are named like 01-welcome.md; put images in a folder such as images/"
            )
            course.problems.append(Problem(path, 1, message))
            continue
        if too_large(course.files[path]):
            limit = current_app.config["LESSON_MAX_BYTES"] // 1024
            message = _l("the file is larger than %(size)d KB: split it into several lessons", size=limit)
            course.problems.append(Problem(path, 1, message))
            continue
        try:
            texts[path] = course.files[path].decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError:
            course.problems.append(Problem(path, 1, _l("the file is not UTF-8 text")))
    if "course.md" not in course.files:
        course.problems.append(Problem("course.md", 1, _l("course.md is missing")))
    return texts


def _front_matter(course: CourseSource, path: str, text: str, allowed: set[str], required: set[str]):
    """Split a file's front matter, report its problems, return (values, lines, body lines)."""
    lines = text.splitlines()
    front = split_front_matter(lines)
    course.problems += [Problem(path, line, message) for line, message in front.problems]
    for key in front.values:
        if str(key) not in allowed:
            line = front.key_lines.get(str(key), 1)
            course.problems.append(
                Problem(path, line, _l("unknown key %(key)r in front matter", key=str(key)))
            )
    if not front.problems:
        for key in sorted(required - {str(k) for k in front.values}):
            course.problems.append(Problem(path, 1, _l("front matter needs %(key)r", key=key)))
    return front.values, front.key_lines, lines[front.body_start - 1 :], front.body_start


def _parse_intro(course: CourseSource, texts: dict[str, str]) -> None:
    """course.md: the course's settings and introduction."""
    if "course.md" not in texts:
        return
    values, lines, body, start = _front_matter(
        course, "course.md", texts["course.md"], COURSE_KEYS, {"title", "lang"}
    )
    check = _Checker(course, "course.md", lines)
    course.title = check.text(values, "title")
    course.lang = check.choice(values, "lang", languages()) or "en"
    course.summary = check.text(values, "summary", required=False)
    course.pass_mark = check.integer(values, "pass_mark", 0, 100, default=70)
    course.certificate = check.boolean(values, "certificate", default=True)
    parts = _split_quizzes(course, "course.md", body, start)
    if any(isinstance(part, QuizBlock) for part in parts):
        line = next(part.line for part in parts if isinstance(part, QuizBlock))
        course.problems.append(Problem("course.md", line, _l("quizzes belong in lessons, not in course.md")))
    course.intro = "\n".join(part for part in parts if isinstance(part, str))


def _parse_lessons(course: CourseSource, texts: dict[str, str]) -> None:
    """Every NN-lesson-id.md file, in order of NN."""
    seen_numbers: dict[int, str] = {}
    seen_slugs: dict[str, str] = {}
    for path in sorted(
        (p for p in texts if p != "course.md"), key=lambda p: (int(LESSON_NAME.match(p)[1]), p)
    ):
        match = LESSON_NAME.match(path)
        number, slug = int(match[1]), match[2]
        if number in seen_numbers:
            message = _l(
                "lesson number %(number)s is also used by %(other)s",
                number=match[1],
                other=seen_numbers[number],
            )
            course.problems.append(Problem(path, 1, message))
        if slug in seen_slugs:
            message = _l("lesson id %(slug)s is also used by %(other)s", slug=slug, other=seen_slugs[slug])
            course.problems.append(Problem(path, 1, message))
        seen_numbers.setdefault(number, path)
        seen_slugs.setdefault(slug, path)
        values, lines, body, start = _front_matter(course, path, texts[path], LESSON_KEYS, {"title"})
        check = _Checker(course, path, lines)
        lesson = LessonSource(
            path,
            number,
            slug,
            check.text(values, "title"),
            check.positive(values, "duration_min", MAX_DURATION),
        )
        lesson.parts = _split_quizzes(course, path, body, start)
        course.lessons.append(lesson)
    if texts and not course.lessons and "course.md" in texts:
        course.problems.append(
            Problem("course.md", 1, _l("the course has no lessons (files like 01-welcome.md)"))
        )


def _split_quizzes(course: CourseSource, path: str, body: list[str], start: int) -> list[str | QuizBlock]:
    """Markdown text parts and parsed quiz blocks, in order; fences are tracked so a quiz-like
    line inside an ordinary code block stays code."""
    parts: list[str | QuizBlock] = []
    text: list[str] = []
    index = 0
    while index < len(body):
        match = FENCE.match(body[index])
        if not match:
            text.append(body[index])
            index += 1
            continue
        fence, info, line = match[1], match[2], start + index
        end = _closing_fence(body, index + 1, fence)
        if end is None:
            course.problems.append(Problem(path, line, _l("the fenced block opened here is never closed")))
            end = len(body)
        if is_quiz_info(info):
            quiz, problems = parse_quiz(info, body[index + 1 : end], line)
            course.problems += [Problem(path, number, message) for number, message in problems]
            parts += ["\n".join(text), quiz]
            text = []
        else:
            text += body[index : end + 1]
        index = end + 1
    parts.append("\n".join(text))
    return [part for part in parts if not isinstance(part, str) or part.strip()]


def _closing_fence(body: list[str], start: int, fence: str) -> int | None:
    """Index of the line closing a fence: the same character, at least as long, nothing after."""
    closing = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    return next((i for i in range(start, len(body)) if closing.match(body[i])), None)


def _check_quiz_ids(course: CourseSource) -> None:
    """Quiz ids are unique within the course."""
    first: dict[str, tuple[str, int]] = {}
    for lesson in course.lessons:
        for quiz in lesson.quizzes:
            if not quiz.key:
                continue
            if quiz.key in first:
                where = "{}:{}".format(*first[quiz.key])
                message = _l("quiz id %(key)s is already used at %(where)s", key=quiz.key, where=where)
                course.problems.append(Problem(lesson.path, quiz.line, message))
            first.setdefault(quiz.key, (lesson.path, quiz.line))


def _check_links(course: CourseSource, path: str, text: str) -> None:
    """Relative links and images point at files of this course; images are never remote."""
    for number, line in enumerate(text.splitlines(), start=1):
        for match in LINK.finditer(line):
            is_image, target = match[1] == "!", match[2]
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", target) or target.startswith(("#", "//")):
                if is_image:
                    course.problems.append(
                        Problem(path, number, _l("images must be files of the course, e.g. images/photo.jpg"))
                    )
                continue
            resolved = posixpath.normpath(target.split("#", 1)[0].split("?", 1)[0])
            if resolved.startswith("../") or resolved == ".." or target.startswith("/"):
                course.problems.append(
                    Problem(path, number, _l("the link %(target)s leaves the course folder", target=target))
                )
            elif resolved not in course.files:
                course.problems.append(
                    Problem(path, number, _l("the file %(target)s is not in the course", target=target))
                )


class _Checker:
    """Type checks for front-matter values, reporting at the key's line."""

    def __init__(self, course: CourseSource, path: str, lines: dict[str, int]):
        self.course, self.path, self.lines = course, path, lines

    def _problem(self, key: str, message) -> None:
        self.course.problems.append(Problem(self.path, self.lines.get(key, 1), message))

    def text(self, values: dict, key: str, required: bool = True) -> str:
        value = values.get(key)
        if value is None:
            if required and key in values:  # `title:` with nothing after it
                self._problem(key, _l("%(key)s must be text", key=key))
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self._problem(key, _l("%(key)s must be text", key=key))
            return ""
        return value.strip()

    def choice(self, values: dict, key: str, allowed: Sequence[str]) -> str | None:
        value = values.get(key)
        if value is not None and value not in allowed:
            self._problem(key, _l("%(key)s must be one of: %(allowed)s", key=key, allowed=", ".join(allowed)))
            return None
        return value

    def integer(self, values: dict, key: str, low: int, high: int, default: int) -> int:
        value = values.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self._problem(
                key,
                _l("%(key)s must be a whole number from %(low)d to %(high)d", key=key, low=low, high=high),
            )
            return default
        return value

    def positive(self, values: dict, key: str, high: int) -> int | None:
        value = values.get(key)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high
        ):
            self._problem(key, _l("%(key)s must be a whole number from 1 to %(high)d", key=key, high=high))
            return None
        return value

    def boolean(self, values: dict, key: str, default: bool) -> bool:
        value = values.get(key, default)
        if not isinstance(value, bool):
            self._problem(key, _l("%(key)s must be true or false", key=key))
            return default
        return value
