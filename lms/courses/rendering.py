"""Course Markdown rendered to HTML, within a time budget.

python-markdown takes quadratic time on some inputs (40,000 "[" in a link took minutes),
so every render of a course's files (checking, previewing, publishing) runs in a forked
child process that is killed once a file runs over RENDER_SECONDS; the file is then a
problem at its path, and the worker is free again at once."""

import multiprocessing
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l

from lms.courses import markdown
from lms.courses.kinds import kind_of
from lms.courses.parser import CourseSource, LessonSource
from lms.courses.problems import Problem, TooSlow
from lms.courses.quizzes import QuizBlock

INTRO = "course.md"


@dataclass
class Rendered:
    """A course's HTML: the introduction, and each lesson's with its quizzes' specs."""

    intro_html: str = ""
    lessons: dict[str, tuple[str, list[tuple[QuizBlock, dict]]]] = field(default_factory=dict)


def render_lesson(lesson: LessonSource, resolve) -> tuple[str, list[QuizBlock]]:
    """Lesson HTML where each quiz is a `<!--quiz:KEY-->` marker, plus the quizzes."""
    nonce = secrets.token_hex(8)  # a marker trainers cannot type by accident
    texts, quizzes = [], []
    for part in lesson.parts:
        if isinstance(part, QuizBlock):
            texts.append(f"\n\nQUIZ{nonce}{len(quizzes)}END\n\n")
            quizzes.append(part)
        else:
            texts.append(part)
    html = markdown.render("\n".join(texts), resolve)
    for index, quiz in enumerate(quizzes):
        marker = f"QUIZ{nonce}{index}END"
        # Its own paragraph, unless an unclosed raw HTML tag above took it in as plain text.
        html = html.replace(f"<p>{marker}</p>", marker).replace(marker, f"<!--quiz:{quiz.key}-->")
    return html, quizzes


QUIZ_MARKER = re.compile(r"<!--quiz:([a-z0-9-]+)-->")


def quiz_parts(html: str) -> list[dict]:
    """Split stored lesson HTML into {"html": …} and {"quiz": key} parts, in order."""
    pieces = QUIZ_MARKER.split(html)
    return [{"quiz": piece} if index % 2 else {"html": piece} for index, piece in enumerate(pieces) if piece]


def quiz_spec(quiz: QuizBlock, resolve) -> dict:
    """Everything needed to show and grade a quiz; each question's kind adds its own part."""

    def render(text: str) -> str:
        """One line of course Markdown as inline HTML, its links resolved."""
        return markdown.render_inline(text, resolve)

    questions = []
    for number, question in enumerate(quiz.questions):
        kind = kind_of(question)
        item = {"kind": kind.name, "html": render(question.text)}
        # The salt keeps option ids what they always were: sha256 of "<quiz hash>:<question>:<option>".
        questions.append(item | kind.spec(question, render, f"{quiz.content_hash}:{number}"))
    return {"questions": questions, "explanation_html": markdown.render(quiz.explanation, resolve)}


def resolver(source: CourseSource, number: int):
    """Map a course-relative link to the URL of an asset of this version, or of a lesson."""
    adapter = current_app.url_map.bind("", script_name=current_app.config.get("APPLICATION_ROOT", "/"))
    lessons = {lesson.path: lesson.slug for lesson in source.lessons}

    def resolve(path: str) -> str | None:
        if path in lessons:
            return adapter.build("learning.lesson", {"slug": source.slug, "lesson_slug": lessons[path]})
        if path in source.assets:
            return adapter.build("courses.asset", {"slug": source.slug, "number": number, "path": path})
        return None

    return resolve


def render_file(source: CourseSource, resolve, path: str):
    """One Markdown file of a course: the intro's HTML, or a lesson's (HTML, [(quiz, spec)])."""
    if path == INTRO:
        return markdown.render(source.intro, resolve)
    lesson = next(item for item in source.lessons if item.path == path)
    html, quizzes = render_lesson(lesson, resolve)
    return html, [(quiz, quiz_spec(quiz, resolve)) for quiz in quizzes]


def render_course(
    source: CourseSource, number: int, every_file: bool = False
) -> tuple[Rendered, list[Problem]]:
    """Every Markdown file of a checked course, within the budget per file. A file over it is
    a problem; the rest are not rendered (they would only hold the worker longer) unless
    `every_file` (the command line, which reports every slow file at once)."""
    paths = [INTRO, *(lesson.path for lesson in source.lessons)]
    resolve = resolver(source, number)
    done, slow = bounded(
        [(path, lambda path=path: render_file(source, resolve, path)) for path in paths], every_file
    )
    rendered = Rendered(done.get(INTRO, ""), {path: done[path] for path in paths[1:] if path in done})
    return rendered, [too_slow(source, path) for path in slow]


def render_one(source: CourseSource, number: int, path: str):
    """One file of a course within the budget: its rendering, or the problem saying it is too slow."""
    resolve = resolver(source, number)
    done, slow = bounded([(path, lambda: render_file(source, resolve, path))])
    return (None, too_slow(source, path)) if slow else (done[path], None)


def too_slow(source: CourseSource, path: str) -> TooSlow:
    """The problem of a file that takes too long to render, at its longest line (the likely cause)."""
    text = source.files.get(path, b"").decode("utf-8", errors="replace")
    lines = text.splitlines() or [""]
    line = max(range(len(lines)), key=lambda index: len(lines[index])) + 1
    seconds = current_app.config["RENDER_SECONDS"]
    message = _l(
        "this lesson takes too long to render (over %(seconds)s s): simplify the text near this line, "
        "e.g. long runs of [ ] * _ or ` characters",
        seconds=seconds,
    )
    return TooSlow(path, line, message)


def bounded(tasks: list[tuple[str, Callable]], every_task: bool = False) -> tuple[dict, list[str]]:
    """Run named tasks one after another in a forked child, each within RENDER_SECONDS;
    return their results by name and the names of those that ran over (killed with the child,
    which a fresh one replaces when `every_task` asks to go on)."""
    seconds = current_app.config["RENDER_SECONDS"]
    results, slow, pending = {}, [], list(tasks)
    while pending:
        finished, overran = _run_in_child(pending, seconds)
        results |= finished
        if overran is None:
            break
        slow.append(overran)
        if not every_task:
            break
        pending = pending[[name for name, _ in pending].index(overran) + 1 :]
    return results, slow


def _run_in_child(tasks: list[tuple[str, Callable]], seconds: float) -> tuple[dict, str | None]:
    """Results of the tasks a child finished, and the name of the task it ran over, if any."""
    context = multiprocessing.get_context("fork")  # the child starts with the app and fonts loaded
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_work, args=(tasks, writer), daemon=True)
    child.start()
    writer.close()
    results, overran = {}, None
    try:
        for name, _task in tasks:  # each task gets the whole budget
            if not reader.poll(seconds):
                overran = name
                break
            try:
                outcome, value = reader.recv()
            except EOFError:  # the child died (out of memory?): not a verdict on the file
                raise RuntimeError(f"the renderer stopped while rendering {name}") from None
            if outcome == "error":
                raise RuntimeError(f"rendering {name} failed in the child: {value}")
            results[name] = value
    finally:
        child.kill()
        child.join()
        reader.close()
    return results, overran


def _work(tasks: list[tuple[str, Callable]], writer) -> None:
    """In the child: run each task and send its result back as soon as it is done."""
    for _name, task in tasks:
        try:
            writer.send(("ok", task()))
        except Exception as error:  # reported to the parent, which raises it  # noqa: BLE001
            writer.send(("error", repr(error)))
            return
