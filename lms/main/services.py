"""What each role sees first on its home page."""

from dataclasses import dataclass

from sqlalchemy import func

from lms.auth.models import User
from lms.auth.permissions import VISIBLE_ROLES, regions_in_scope, users_in_scope
from lms.batches.services import holds_leader_grant
from lms.extensions import db
from lms.learning.services import my_courses


@dataclass
class HomeFigures:
    """Counts shown on a manager's home page."""

    people: int
    by_role: dict[str, int]
    regions: int


def home_figures(actor: User) -> HomeFigures:
    """People and regions in the actor's scope, counted in SQL."""
    scoped = users_in_scope(actor).subquery()
    rows = db.session.execute(db.select(scoped.c.role, func.count()).group_by(scoped.c.role)).all()
    by_role = {str(role): 0 for role in VISIBLE_ROLES[actor.role]} | {role: count for role, count in rows}
    regions = regions_in_scope(actor).subquery()
    region_count = db.session.execute(db.select(func.count()).select_from(regions)).scalar_one()
    return HomeFigures(sum(by_role.values()), by_role, region_count)


@dataclass
class SahayakHome:
    """A sahayak's courses in progress and whether they lead batches."""

    progress: list
    leads: bool


def sahayak_home(user: User) -> SahayakHome:
    """Courses started or joined through a batch, and leader status."""
    leads = holds_leader_grant(user)
    return SahayakHome(my_courses(user), leads)
