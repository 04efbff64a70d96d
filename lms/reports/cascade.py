"""The cascade: from a workshop batch, level by level, who trained whom."""

from dataclasses import dataclass

from sqlalchemy import func, select

from lms.auth.models import User
from lms.auth.permissions import roles_with
from lms.batches.models import Batch, Membership
from lms.batches.services import batches_in_scope
from lms.extensions import db

MAX_LEVELS = 8


@dataclass
class Level:
    """One level of the cascade: the batches the viewer may see (with member counts), how
    many batches outside their area it has (counted, never named), and how many people."""

    number: int
    batches: list[tuple[Batch, int]]
    outside: int
    people: int


def workshops(actor: User) -> list[tuple[Batch, int]]:
    """Batches at the top of a cascade (led by those who run workshops) that the actor may see."""
    scoped = batches_in_scope(actor).subquery()
    trainers = select(User.id).where(User.role.in_(roles_with("run_workshops")))
    query = (
        select(Batch, func.count(Membership.id))
        .join(scoped, scoped.c.id == Batch.id)
        .outerjoin(Membership, Membership.batch_id == Batch.id)
        .where(Batch.leader_id.in_(trainers))
        .group_by(Batch.id)
        .order_by(Batch.starts_on.desc(), Batch.id.desc())
    )
    return [tuple(row) for row in db.session.execute(query)]


def cascade(actor: User, batch: Batch) -> list[Level]:
    """Level 1 is the batch; each next level is the batches its members lead (same course).
    Batches the actor may not see are followed down but only counted."""
    visible = batches_in_scope(actor).with_only_columns(Batch.id)
    levels, current, seen = [], [batch.id], {batch.id}
    while current and len(levels) < MAX_LEVELS:
        counted = db.session.execute(
            select(Batch, func.count(Membership.id))
            .outerjoin(Membership, Membership.batch_id == Batch.id)
            .where(Batch.id.in_(current), Batch.id.in_(visible))
            .group_by(Batch.id)
            .order_by(Batch.id)
        ).all()
        members = select(Membership.user_id).where(Membership.batch_id.in_(current))
        people = db.session.execute(
            select(func.count(func.distinct(Membership.user_id))).where(Membership.batch_id.in_(current))
        ).scalar()
        batches = [tuple(row) for row in counted]
        levels.append(Level(len(levels) + 1, batches, len(current) - len(batches), people))
        following = select(Batch.id).where(Batch.leader_id.in_(members), Batch.course_id == batch.course_id)
        current = [bid for bid in db.session.execute(following).scalars() if bid not in seen]
        seen.update(current)
    return levels


def top_leaders(actor: User, limit: int = 20) -> list[tuple[User, int, int]]:
    """Leaders of the actor's batches by people trained: (leader, batches, people)."""
    scoped = batches_in_scope(actor).subquery()
    query = (
        select(User, func.count(func.distinct(Batch.id)), func.count(Membership.id))
        .join(Batch, Batch.leader_id == User.id)
        .join(scoped, scoped.c.id == Batch.id)
        .join(Membership, Membership.batch_id == Batch.id)
        .group_by(User.id)
        .order_by(func.count(Membership.id).desc(), User.name)
        .limit(limit)
    )
    return [tuple(row) for row in db.session.execute(query)]
