"""The questions `people` asks the packages above it (lms/core/hooks.py): their answers are
named in those packages' features."""

from collections.abc import Callable

from lms.auth.models import User
from lms.core.hooks import hook

# A kind of import's callbacks: `allowed(person)` raises PersonError for someone it may not
# register, `then(issued)` joins the import's transaction (e.g. making them batch members).
ImportRule = tuple[Callable, Callable]


@hook
def person_sections(actor: User, person: User) -> tuple[str, dict] | None:
    """On `person`'s page, seen by `actor`: a section to add (a template and its context), or
    None when there is nothing for this viewer."""


@hook
def regions_moved() -> int:
    """Regions moved in the tree, in the current transaction: figures summed per region must
    follow (how many rows were summed again)."""


@hook
def import_rule(name: str, actor: User, params: dict) -> ImportRule | None:
    """The callbacks of the kind of CSV import called `name`, started by `actor` with `params`
    (a background import into a batch), or None when the kind is not this answer's."""
