"""`flask courses check` and `flask courses publish`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.courses.parser import parse_course
from lms.courses.problems import CourseInvalid, Problem
from lms.courses.publishing import publish
from lms.courses.source import Limits, course_folders, read_folder

courses_cli = AppGroup("courses", help="Check and publish Markdown courses.")
PATHS = click.argument("paths", nargs=-1, type=click.Path(path_type=Path))


def _folders(paths: tuple[Path, ...]) -> list[Path]:
    """The course folders named, or those in the configured courses folder."""
    return course_folders(list(paths) or [Path(current_app.config["COURSES_DIR"])])


def check_folder(folder: Path):
    """Parse one course folder; return (course or None, problems)."""
    try:
        files = read_folder(folder, Limits.from_config())
    except CourseInvalid as invalid:
        return None, invalid.problems
    course = parse_course(folder.name, files)
    return course, course.problems


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
def publish_command(paths: tuple[Path, ...]) -> None:
    """Check, then publish each course whose content changed as a new version."""
    failed = 0
    for folder in _folders(paths):
        course, problems = check_folder(folder)
        if problems:
            _report(folder, problems)
            click.echo(f"{folder.name}: not published; the live version stays.", err=True)
            failed += 1
            continue
        outcome = publish(course, None, "cli")
        state = "published version" if outcome.created else "unchanged, live version"
        click.echo(f"{outcome.slug}: {state} {outcome.version.number}")
    if failed:
        raise click.exceptions.Exit(1)
