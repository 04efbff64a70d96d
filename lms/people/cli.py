"""`flask regions …` and `flask users …` commands."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from lms.auth.models import Role
from lms.auth.services import AuthError
from lms.people import sheets
from lms.people.csvfiles import ImportFailed
from lms.people.regions import import_regions
from lms.people.services import PersonError, check_person, create_user

regions_cli = AppGroup("regions", help="Manage the region tree.")
users_cli = AppGroup("users", help="Manage users.")


@regions_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def regions_import(csv_file: Path) -> None:
    """Create or update regions from CSV_FILE (columns code,name,kind,parent[,lok_sabha])."""
    data = csv_file.read_bytes()
    rows = max(data.count(b"\n") - 1, 1)
    with click.progressbar(length=rows, label="Importing regions", file=sys.stderr) as bar:
        try:
            result = import_regions(data, str(csv_file), progress=bar.update)
        except ImportFailed as failure:
            _fail(failure)
    click.echo(f"{result.created} regions created, {result.updated} updated.")


@users_cli.command("create")
@click.option("--phone", required=True, help="Mobile number (the login).")
@click.option("--name", required=True, help="Display name, in any script.")
@click.option(
    "--role", type=click.Choice([str(r) for r in Role]), default=Role.SAHAYAK.value, show_default=True
)
@click.option("--region", "region_code", help="Home region code (required except for admins).")
@click.option(
    "--lang", help="Preferred language, one of the LANGUAGES setting (default: BABEL_DEFAULT_LOCALE)."
)
@click.password_option(help="Asked for twice when not given; may be fed on standard input.")
def users_create(
    phone: str, name: str, role: str, region_code: str | None, lang: str | None, password: str
) -> None:
    """Create one user with a password of their own."""
    lang = lang or current_app.config["BABEL_DEFAULT_LOCALE"]  # as for imported users
    try:
        person = check_person(name, phone, role, lang, region_code)  # checks lang against LANGUAGES
        user = create_user(person, password)
    except (PersonError, AuthError) as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"Created {user.role} {user.name} ({user.phone}).")


@users_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the password sheet (default: instance/sheets).",
)
def users_import(csv_file: Path, out_dir: Path | None) -> None:
    """Register everyone in CSV_FILE (name,phone,region[,role,lang]) with one-time passwords."""
    data = csv_file.read_bytes()
    rows = max(data.count(b"\n") - 1, 1)
    with click.progressbar(length=rows, label="Creating users", file=sys.stderr) as bar:
        try:
            issued, token = sheets.import_with_sheet(data, str(csv_file), None, out_dir, bar.update)
        except ImportFailed as failure:
            _fail(failure)
    directory = out_dir or sheets.sheets_dir()
    click.echo(f"{len(issued)} users created.")
    click.echo(f"Printable sheet: {directory / (token + '.pdf')}")
    click.echo(f"Spreadsheet:     {directory / (token + '.csv')}")


def _fail(failure: ImportFailed) -> None:
    """Print every problem and exit non-zero; nothing was written."""
    for problem in failure.problems:
        click.echo(problem, err=True)
    raise click.ClickException(f"{len(failure.problems)} problem(s); nothing was imported.")
