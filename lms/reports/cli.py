"""`flask reports retally`: count the per-question report's tallies again from the attempts."""

import sys

import click
from flask.cli import AppGroup

from lms.reports import tallies

reports_cli = AppGroup("reports", help="Reports.")


@reports_cli.command("retally")
def retally_command() -> None:
    """Count every quiz attempt again into the per-question tallies (after attempts were
    loaded or changed outside the site); all or nothing."""
    with click.progressbar(length=tallies.attempts_to_count(), label="Attempts", file=sys.stderr) as bar:
        rows = tallies.recount(bar.update)
    click.echo(f"Counted the attempts again: {rows:,} batch tally rows.")
