"""The one place that decides which people and regions a user may see and act on."""

from sqlalchemy import Select, false, or_

from lms.auth.models import Region, Role, User
from lms.extensions import db

# Which roles each role may see in its subtree.
VISIBLE_ROLES: dict[str, tuple[str, ...]] = {
    Role.ADMIN: tuple(Role),
    Role.CELL_HEAD: (Role.SAHAYAK, Role.TRAINER, Role.CELL_HEAD),
    Role.TRAINER: (Role.SAHAYAK,),
    Role.SAHAYAK: (),
}

# Which roles each role may create, import and reset passwords for.
MANAGEABLE_ROLES: dict[str, tuple[str, ...]] = {
    Role.ADMIN: tuple(Role),
    Role.CELL_HEAD: (Role.SAHAYAK, Role.TRAINER),
    Role.TRAINER: (Role.SAHAYAK,),
    Role.SAHAYAK: (),
}


def subtree_condition(region: Region):
    """SQL condition: a region is `region` or below it."""
    return Region.path.startswith(region.path, autoescape=True)


def region_ids_under(region: Region) -> Select[tuple[int]]:
    """SQL: the ids of a region and every region below it."""
    return db.select(Region.id).where(subtree_condition(region))


def regions_in_scope(actor: User) -> Select[tuple[Region]]:
    """Regions the actor may see: everything for admins, their subtree otherwise."""
    query = db.select(Region)
    if actor.role == Role.ADMIN:
        return query
    if actor.region is None:
        return query.where(false())
    return query.where(subtree_condition(actor.region))


def users_in_scope(actor: User) -> Select[tuple[User]]:
    """People the actor may see and manage; a sahayak sees only themself."""
    query = db.select(User)
    if actor.role == Role.ADMIN:
        return query
    if actor.role == Role.SAHAYAK or actor.region is None:
        return query.where(User.id == actor.id)
    in_subtree = User.region_id.in_(regions_in_scope(actor).with_only_columns(Region.id))
    visible = User.role.in_([str(role) for role in VISIBLE_ROLES[actor.role]])
    return query.where(or_(User.id == actor.id, in_subtree & visible))


def may_manage_role(actor: User, role: str) -> bool:
    """Whether the actor may create or reset users of this role."""
    return role in MANAGEABLE_ROLES.get(actor.role, ())


def region_in_scope(actor: User, region: Region) -> bool:
    """Whether the region lies inside the actor's subtree."""
    if actor.role == Role.ADMIN:
        return True
    return actor.region is not None and region.path.startswith(actor.region.path)


def find_user_in_scope(actor: User, user_id: int) -> User | None:
    """The user with this id if the actor may see them, else None (callers answer 404)."""
    query = users_in_scope(actor).where(User.id == user_id)
    return db.session.execute(query).scalar_one_or_none()
