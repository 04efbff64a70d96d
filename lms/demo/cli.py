"""`flask demo`: seed the demo regions, people and their activity, idempotently."""

import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.courses.services import check_folder, publish
from lms.demo.activity import seed_activity
from lms.demo.people import DEMO_PASSWORD, DEMO_PEOPLE
from lms.demo.scale import generate
from lms.people.regions import find_region, import_regions
from lms.people.services import check_person, create_user, phone_taken
from lms.phones import format_phone

REGIONS_CSV = Path(__file__).with_name("regions.csv")
SCALE_COURSE = "digital-sahayak-bn"


@click.command("demo")
@click.option(
    "--scale", type=click.IntRange(0), default=0, help="Also generate this many sahayaks with progress."
)
@with_appcontext
def demo_command(scale: int) -> None:
    """Seed West Bengal's districts, some constituencies and booths, and demo users."""
    result = import_regions(REGIONS_CSV.read_bytes(), REGIONS_CSV.name)
    click.echo(f"Regions: {result.created} created, {result.updated} already there.")
    created = seed_people()
    click.echo(f"People: {created} created, {len(DEMO_PEOPLE) - created} already there.")
    added = seed_activity()
    click.echo(f"Activity: {', '.join(added)}." if added else "Activity: already there.")
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for role, name, phone in demo_logins():
        click.echo(f"  {role:<10} {phone}  {name}")
    if scale:
        generate_scale(scale)


def generate_scale(count: int) -> None:
    """The full-size programme (once): regions, sahayaks, cascade, attempts, certificates."""
    if find_region("GEN-AC-001") is not None:
        click.echo("Scale data already generated; nothing added.")
        return
    course, problems = check_folder(Path(current_app.config["COURSES_DIR"]) / SCALE_COURSE)
    if problems:
        raise click.ClickException(f"{SCALE_COURSE} has problems; run flask courses check")
    publish(course, None, "cli")
    started = time.perf_counter()
    with click.progressbar(length=count * 17, label="Generating", file=sys.stderr) as bar:
        made = generate(count, SCALE_COURSE, lambda _step, n: bar.update(n))
    seconds = time.perf_counter() - started
    click.echo(", ".join(f"{value:,} {key}" for key, value in made.items()) + f" in {seconds:.0f} s.")


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
