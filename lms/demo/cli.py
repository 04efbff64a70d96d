"""`flask demo`: seed the demo regions and people, idempotently."""

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.demo.people import DEMO_PASSWORD, DEMO_PEOPLE
from lms.people.phones import format_phone
from lms.people.regions import import_regions
from lms.people.services import check_person, create_user, phone_taken

REGIONS_CSV = Path(__file__).with_name("regions.csv")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Seed West Bengal's districts, some constituencies and booths, and demo users."""
    result = import_regions(REGIONS_CSV.read_bytes(), REGIONS_CSV.name)
    click.echo(f"Regions: {result.created} created, {result.updated} already there.")
    created = seed_people()
    click.echo(f"People: {created} created, {len(DEMO_PEOPLE) - created} already there.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, name, phone in demo_logins():
        click.echo(f"  {role:<10} {phone}  {name}")


def seed_people() -> int:
    """Create the demo people that do not exist yet; return how many were created."""
    created = 0
    with click.progressbar(DEMO_PEOPLE, label="Demo people", file=sys.stderr) as people:
        for phone, name, role, region, lang in people:
            if phone_taken(phone):
                continue
            create_user(check_person(name, phone, role, lang, region), DEMO_PASSWORD)
            created += 1
    return created


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, name, formatted phone) for the README and `make run`."""
    return [(role, name, format_phone(phone)) for phone, name, role, _, _ in DEMO_PEOPLE[:6]]
