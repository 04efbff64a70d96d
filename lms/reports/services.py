"""Dashboard figures, aggregated in SQL: registered, learning, completed, certified."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select

from lms.auth.models import Region, User
from lms.auth.permissions import everywhere, may, region_ids_under, subtree_condition
from lms.core.errors import NotFound
from lms.core.paging import Page, page_of
from lms.extensions import db

SORTS = ("name", "registered", "learning", "completed", "certified")


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
    leaf: bool = False  # no child regions (a booth): its people are listed by name


def default_region(actor: User) -> Region:
    """Where an actor's dashboard starts: their region, or the top of the tree for admins."""
    if actor.region is not None and not everywhere(actor):
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
    """The region asked for, if the actor may see its dashboard (else NotFound)."""
    if not code:
        return default_region(actor)
    region = db.session.execute(select(Region).filter_by(code=code)).scalar()
    if region is None or not may(actor, "see_dashboard", region):
        raise NotFound
    return region


def child_of(region: Region) -> dict[int, str]:
    """For every region in the subtree: the key of the child of `region` it lies under
    ('' for `region` itself), worked out from the paths in one query."""
    query = select(Region.id, Region.path).where(subtree_condition(region))
    prefix = len(region.path)
    return {rid: path[prefix:].split("/", 1)[0] for rid, path in db.session.execute(query)}


def dashboard(region: Region, sort: str = "name") -> Dashboard:
    """Sahayaks under the region, counted per home region in one indexed scan of the
    milestone columns, then summed per child region."""
    subtree = region_ids_under(region)
    counts = (func.count(User.started_at), func.count(User.completed_at), func.count(User.certified_at))
    query = (
        select(User.region_id, func.count(), *counts)
        .where(User.is_learner, User.region_id.in_(subtree))
        .group_by(User.region_id)
    )
    keys = child_of(region)
    children = {
        str(c.id): c for c in db.session.execute(select(Region).filter_by(parent_id=region.id)).scalars()
    }
    rows = {key: Figures(c) for key, c in children.items()}
    total = Figures(region)
    for region_id, registered, learning, done, certs in db.session.execute(query):
        key = keys.get(region_id, "")
        row = rows[key] if key in rows else rows.setdefault("", Figures(None))
        figures = Figures(None, registered, learning, done, certs)
        row.add(figures)
        total.add(figures)
    return Dashboard(region, total, sort_rows(list(rows.values()), sort), leaf=not children)


def sort_rows(rows: list[Figures], sort: str) -> list[Figures]:
    """By name (A–Z) or by a figure (largest first)."""
    if sort in SORTS[1:]:
        return sorted(rows, key=lambda row: (-getattr(row, sort), row.region.name if row.region else ""))
    return sorted(rows, key=lambda row: (row.region is not None, row.region.name if row.region else ""))


def people_here(region: Region, page: int) -> Page:
    """The sahayaks whose home region is exactly this one, by name, a page at a time, with
    their milestones (the booth view lists its people)."""
    query = select(User).where(User.region_id == region.id, User.is_learner).order_by(User.name, User.id)
    return page_of(query, page, current_app.config["USERS_PER_PAGE"], scalars=True)
