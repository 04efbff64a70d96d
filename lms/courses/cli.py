"""`flask courses check` and `flask courses publish`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.courses.parser import CourseSource
from lms.courses.problems import CourseInvalid, Problem
from lms.courses.publishing import Published
from lms.courses.services import check_folder, publish
from lms.courses.source import course_folders

courses_cli = AppGroup("courses", help="Check and publish Markdown courses.")
PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def _folders(paths: tuple[Path, ...]) -> list[Path]:
    """The course folders named, or those in the configured courses folder."""
    return course_folders(list(paths) or [Path(current_app.config["COURSES_DIR"])])


def _report(folder: Path, problems: list[Problem]) -> None:
    """Print problems as PATH:LINE: message, one per line."""
    for problem in sorted(problems, key=lambda p: (p.file, p.line)):
        click.echo(problem.located(str(folder)))


@courses_cli.command("check")
@PATHS
def check_command(paths: tuple[Path, ...]) -> None:
    """Check course folders and report every problem as PATH:LINE: message."""
    folders, total = _folders(paths), 0
    for folder in folders:
        _course, problems = check_folder(folder)
        _report(folder, problems)
        total += len(problems)
    if total:
        raise click.exceptions.Exit(1)
    click.echo(f"{len(folders)} course(s) checked, no problems.")


@courses_cli.command("publish")
@PATHS
@click.option(
    "--retake",
    "retake",
    multiple=True,
    metavar="QUIZ_ID",
    help="Ask everyone to take this quiz again (repeatable); otherwise every pass is kept.",
)
def publish_command(paths: tuple[Path, ...], retake: tuple[str, ...]) -> None:
    """Check, then publish each course whose content changed as a new version."""
    checked = [(folder, *check_folder(folder)) for folder in _folders(paths)]
    unknown = set(retake).difference(*(_own(course, retake) for _, course, _ in checked if course))
    if unknown:
        raise click.ClickException(f"--retake names no quiz of these courses: {', '.join(sorted(unknown))}")
    failed = 0
    for folder, course, problems in checked:
        if course is not None and not problems:
            try:
                outcome = publish(course, None, "cli", _own(course, retake))
            except CourseInvalid as invalid:
                problems = invalid.problems
        if problems:
            _report(folder, problems)
            click.echo(f"{folder.name}: not published; the live version stays.", err=True)
            failed += 1
            continue
        state = "published version" if outcome.created else "unchanged, live version"
        click.echo(f"{outcome.slug}: {state} {outcome.version.number}")
        if not outcome.created and _own(course, retake):
            click.echo("  nothing changed, so nothing is retaken: a retake comes with a new version")
        _report_passes(outcome)
    if failed:
        raise click.exceptions.Exit(1)


def _own(course: CourseSource, retake: tuple[str, ...]) -> set[str]:
    """The quizzes of this course among those named by --retake."""
    keys = {quiz.key for lesson in course.lessons for quiz in lesson.quizzes}
    return keys & set(retake)


def _report_passes(outcome: Published) -> None:
    """Say, per quiz whose grading changed or that was retaken, what became of the passes."""
    for change in outcome.changes:
        if change.key in outcome.retaken:
            verdict = "they are asked to take it again"
        else:
            verdict = f"their passes are kept (--retake {change.key} asks them to take it again)"
        click.echo(
            f"  quiz {change.key}: grading changed; {change.passed} sahayak(s) passed it in an earlier version: {verdict}"
        )
    for key in sorted(outcome.retaken - {change.key for change in outcome.changes}):
        click.echo(f"  quiz {key}: everyone is asked to take it again")
