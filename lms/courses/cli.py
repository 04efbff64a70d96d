"""`flask courses check` and `flask courses publish`."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.auth.models import User
from lms.courses import folders
from lms.courses.models import Course
from lms.courses.parser import CourseSource
from lms.courses.problems import CourseInvalid, Problem
from lms.courses.publishing import Published
from lms.courses.services import check_folder, find_course, publish
from lms.courses.source import course_folders
from lms.extensions import db

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
@click.option("--force", is_flag=True, help="Publish even over versions published from the web since.")
@click.option("--new-only", is_flag=True, help="Only courses the database does not have yet (make run).")
def publish_command(paths: tuple[Path, ...], retake: tuple[str, ...], force: bool, new_only: bool) -> None:
    """Check, then publish each course whose content changed as a new version."""
    checked = [(folder, *check_folder(folder)) for folder in _folders(paths)]
    unknown = set(retake).difference(*(_own(course, retake) for _, course, _ in checked if course))
    if unknown:
        raise click.ClickException(f"--retake names no quiz of these courses: {', '.join(sorted(unknown))}")
    failed = 0
    for folder, course, problems in checked:
        existing = find_course(folder.name)
        if new_only and existing is not None:
            click.echo(
                f"{folder.name}: in the database already; only 'flask courses publish' publishes it again"
            )
            continue
        if course is not None and not problems:
            if existing is not None and not force and _undoes_the_web(existing, folder, course):
                failed += 1
                continue
            try:
                outcome = publish(course, None, "cli", _own(course, retake))
            except CourseInvalid as invalid:
                problems = invalid.problems
        if problems:
            _report(folder, problems)
            click.echo(f"{folder.name}: not published; the live version stays.", err=True)
            failed += 1
            continue
        _published(folder, course, outcome, retake)
    if failed and not new_only:  # make run starts all the same: refusals are notices there
        raise click.exceptions.Exit(1)


def _undoes_the_web(course: Course, folder: Path, source: CourseSource) -> bool:
    """Say so, and True, if publishing the folder would undo a version published on the web."""
    conflict = folders.web_conflict(course, folder, source)
    if conflict is None:
        return False
    where = "in the web editor" if conflict.origin == "editor" else "from an uploaded .zip"
    who = db.session.get(User, conflict.published_by_id) if conflict.published_by_id else None
    live = "live version" if conflict.id == course.live_version_id else "version"
    click.echo(
        f"{course.slug}: {live} {conflict.number} was published {where} by {who.name if who else 'someone'} "
        f"on {conflict.published_at:%-d %b %Y}; publishing {folder} would undo it. Export it with "
        f"'flask courses export {course.slug} {folder}' to carry on in the folder, or publish with --force.",
        err=True,
    )
    return True


def _published(folder: Path, course: CourseSource, outcome: Published, retake: tuple[str, ...]) -> None:
    """Report a publish and mark the folder with the version it now is."""
    state = "published version" if outcome.created else "unchanged, live version"
    click.echo(f"{outcome.slug}: {state} {outcome.version.number}")
    if not outcome.created and _own(course, retake):
        click.echo("  nothing changed, so nothing is retaken: a retake comes with a new version")
    _report_passes(outcome)
    try:
        folders.mark(folder, outcome.version)
    except OSError as error:  # a read-only checkout: the next publish compares with folder versions
        click.echo(f"  (could not note the version in {folder}: {error.strerror or error})", err=True)


@courses_cli.command("export")
@click.argument("slug")
@click.argument("directory", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a folder holding changes never published.")
def export_command(slug: str, directory: Path | None, force: bool) -> None:
    """Write the live version of course SLUG as a course folder (default: the courses folder)."""
    course = find_course(slug)
    if course is None or course.live_version is None:
        raise click.ClickException(f"{slug}: no published course has this id")
    target = directory or Path(current_app.config["COURSES_DIR"]) / slug
    try:
        folders.export(course.live_version, target, force)
    except folders.FolderError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{slug}: version {course.live_version.number} written to {target}")


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
