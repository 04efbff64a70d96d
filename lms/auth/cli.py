"""`flask permissions`: the whole policy, as one table anyone can read."""

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.auth.models import Role
from lms.auth.permissions import ABOUT, CAPABILITIES, MANAGEABLE_ROLES, VISIBLE_ROLES, rules


@click.command("permissions")
@with_appcontext
def permissions_command() -> None:
    """Print who may do what: each capability by role, each rule about a relationship, and
    whom each role sees and manages."""
    roles = list(Role)
    width = max(map(len, CAPABILITIES))
    click.echo("Capabilities (inside the actor's area; admins everywhere)")
    click.echo(f"{'':{width}}  " + "  ".join(f"{role:9}" for role in roles))
    for name, allowed in CAPABILITIES.items():
        marks = "  ".join(f"{'yes' if role in allowed else '-':9}" for role in roles)
        click.echo(f"{name:{width}}  {marks}  {ABOUT[name]}")
    click.echo("\nRules (about one thing: may(user, rule, thing))")
    for rule in rules(current_app):
        click.echo(f"{rule.name:{width}}  [{rule.owner}] {rule.who}")
    click.echo("\nPeople (whom each role sees in its area, and may create, import or reset)")
    for role in roles:
        seen = ", ".join(VISIBLE_ROLES[role]) or "themself only"
        managed = ", ".join(MANAGEABLE_ROLES[role]) or "nobody"
        click.echo(f"{role:{width}}  sees {seen}; manages {managed}")
