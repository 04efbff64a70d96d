"""Dashboard figures, aggregated in SQL: registered, learning, completed, certified."""

from dataclasses import dataclass

from sqlalchemy import case, exists, func, select

from lms.auth.scope import region_in_scope
from lms.certificates.models import Certificate
from lms.extensions import db
from lms.learning.models import Completion, LessonRead
from lms.people.models import Region, Role, User

SORTS = ("name", "registered", "learning", "completed", "certified")


class NotFound(Exception):
    """No such region in the actor's scope."""


@dataclass
class Figures:
    """The funnel for one region or one child region."""

    region: Region | None  # None: people registered at the parent region itself
    registered: int = 0
    learning: int = 0
    completed: int = 0
    certified: int = 0

    def add(self, other: "Figures") -> None:
        self.registered += other.registered
        self.learning += other.learning
        self.completed += other.completed
        self.certified += other.certified


@dataclass
class Dashboard:
    """A region's totals and one row per child region."""

    region: Region
    total: Figures
    rows: list[Figures]


def default_region(actor: User) -> Region:
    """Where an actor's dashboard starts: their region, or the top of the tree for admins."""
    if actor.region is not None and actor.role != Role.ADMIN:
        return actor.region
    root = (
        db.session.execute(select(Region).where(Region.parent_id.is_(None)).order_by(Region.id))
        .scalars()
        .first()
    )
    if root is None:
        raise NotFound
    return root


def region_for(actor: User, code: str | None) -> Region:
    """The region asked for, if the actor may see it."""
    if not code:
        return default_region(actor)
    region = db.session.execute(select(Region).filter_by(code=code)).scalar()
    if region is None or not region_in_scope(actor, region):
        raise NotFound
    return region


def next_segment(path, prefix_length: int):
    """SQL: the id that follows a prefix in a materialised path ('' for the region itself)."""
    rest = func.substr(path, prefix_length + 1)
    if db.engine.dialect.name == "postgresql":
        return func.split_part(rest, "/", 1)
    return func.substr(rest, 1, func.instr(rest, "/") - 1)


def dashboard(region: Region, sort: str = "name") -> Dashboard:
    """Sahayaks under the region, counted per child region, in one query."""
    child = next_segment(Region.path, len(region.path)).label("child")
    started = exists().where(LessonRead.user_id == User.id)
    completed = exists().where(Completion.user_id == User.id)
    certified = exists().where(Certificate.user_id == User.id, Certificate.revoked_at.is_(None))
    query = (
        select(
            child,
            func.count(User.id),
            func.sum(case((started, 1), else_=0)),
            func.sum(case((completed, 1), else_=0)),
            func.sum(case((certified, 1), else_=0)),
        )
        .join(Region, Region.id == User.region_id)
        .where(User.role == Role.SAHAYAK.value, Region.path.startswith(region.path, autoescape=True))
        .group_by(child)
    )
    children = {
        str(c.id): c for c in db.session.execute(select(Region).filter_by(parent_id=region.id)).scalars()
    }
    rows = {key: Figures(c) for key, c in children.items()}
    total = Figures(region)
    for key, registered, learning, done, certs in db.session.execute(query):
        figures = Figures(children.get(key), registered, learning or 0, done or 0, certs or 0)
        total.add(figures)
        if key in rows:
            rows[key] = figures
        else:
            rows[""] = figures
    return Dashboard(region, total, sort_rows(list(rows.values()), sort))


def sort_rows(rows: list[Figures], sort: str) -> list[Figures]:
    """By name (A–Z) or by a figure (largest first)."""
    if sort in SORTS[1:]:
        return sorted(rows, key=lambda row: (-getattr(row, sort), row.region.name if row.region else ""))
    return sorted(rows, key=lambda row: (row.region is not None, row.region.name if row.region else ""))


def trail(region: Region) -> list[Region]:
    """The region's ancestors down to itself, for the drill-down breadcrumb."""
    ids = [int(part) for part in region.path.strip("/").split("/")]
    found = {r.id: r for r in db.session.execute(select(Region).where(Region.id.in_(ids))).scalars()}
    return [found[i] for i in ids if i in found]
