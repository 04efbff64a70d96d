"""Who may do what, and where, and to which thing: the one place that decides.

Four questions, each answered here and nowhere else (`flask permissions` prints the policy):
- *May this role do it at all?* The `CAPABILITIES` table, read by `may()`; views declare
  theirs with `@requires(...)` (a 403 for those who never may), templates ask `may(...)`.
- *Where?* Inside the actor's region subtree (`within`), everywhere for those who act
  everywhere (`in_area`); `users_in_scope` and friends are the same rule in SQL.
- *To this thing?* Rules about a relationship (leading a batch of a course, giving a learner
  more tries, editing a course, managing a person), each registered by the package that owns
  the thing and asked through the same `may(user, rule, thing)`.
- *Not yours?* Services raise `NotFound`: a 404 that never confirms the thing exists.

Roles are compared here only (tests/auth/test_permissions.py fails on a comparison anywhere
else): code asks for a capability, a rule or `User.is_learner`.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, abort, current_app
from flask_login import current_user, login_required
from sqlalchemy import ColumnElement, Select, false, or_, true

from lms.auth.models import Region, Role, User
from lms.core.errors import NotFound
from lms.extensions import db

SAHAYAK, TRAINER, CELL_HEAD, ADMIN = Role.SAHAYAK, Role.TRAINER, Role.CELL_HEAD, Role.ADMIN

# What each role may do. Where a capability concerns people, batches or places, it holds
# only inside the actor's own region subtree (admins: everywhere).
CAPABILITIES: dict[str, frozenset[Role]] = {
    # the people pages: lists, details, one-time passwords (for the roles in MANAGEABLE_ROLES)
    "see_people": frozenset({TRAINER, CELL_HEAD, ADMIN}),
    "import_people": frozenset({CELL_HEAD, ADMIN}),  # register people from a CSV file
    "grant_leadership": frozenset({CELL_HEAD, ADMIN}),  # let a graduate lead batches of their course
    # correct name, phone, region and role; deactivate and reactivate (people/editing.py)
    "edit_people": frozenset({CELL_HEAD, ADMIN}),
    # read every course's history and sources; upload new courses; edit, publish and unpublish
    # the courses they own (courses/owners.py)
    "publish_courses": frozenset({TRAINER, ADMIN}),
    "edit_any_course": frozenset({ADMIN}),  # as if they owned every course
    # start batches of any course; a sahayak needs a leader grant for the course instead
    "lead_batches": frozenset({TRAINER, CELL_HEAD, ADMIN}),
    "oversee_batches": frozenset({CELL_HEAD, ADMIN}),  # every batch held in the area, not only their own
    "issue_certificates": frozenset({CELL_HEAD, ADMIN}),  # issue, revoke, download for the area
    # emblems and signatures printed on certificates: for regions of the area (admins: and
    # the whole programme)
    "set_certificate_art": frozenset({CELL_HEAD, ADMIN}),
    "see_dashboard": frozenset({CELL_HEAD, ADMIN}),  # dashboards, exports, the cascade
    "set_targets": frozenset({CELL_HEAD, ADMIN}),
    # more tries at a quiz for learners in the area (batch leaders: for their members, see
    # batches/attempts.py)
    "grant_attempts": frozenset({CELL_HEAD, ADMIN}),
    "see_quiz_reports": frozenset({TRAINER, CELL_HEAD, ADMIN}),  # per question, over their batches
    "run_workshops": frozenset({TRAINER, ADMIN}),  # their batches are the top of a cascade
    "see_all_jobs": frozenset({ADMIN}),  # everyone else sees the background jobs they started
    "act_everywhere": frozenset(
        {ADMIN}
    ),  # every capability above holds over the whole tree; no home region needed
    "earn_certificates": frozenset({SAHAYAK, TRAINER, CELL_HEAD}),  # may be issued one on completing a course
}

# Each capability in words, for `flask permissions` (a test holds the two tables together).
ABOUT: dict[str, str] = {
    "see_people": "see the people of the area: lists, details, one-time passwords for those they manage",
    "import_people": "register people from a CSV file",
    "grant_leadership": "let a sahayak who completed a course lead batches of it",
    "edit_people": "correct name, number, region and role; deactivate and reactivate",
    "publish_courses": "read every course; upload new ones; edit, publish and unpublish their own",
    "edit_any_course": "edit, publish and unpublish every course, as if they owned it",
    "lead_batches": "start batches of any course (a sahayak needs a leader grant instead)",
    "oversee_batches": "see every batch held in the area, not only their own",
    "issue_certificates": "issue, revoke and download the area's certificates",
    "set_certificate_art": "choose the emblems and signatures printed for the area's regions",
    "see_dashboard": "dashboards, exports and the cascade of the area",
    "set_targets": "set the area's regions' targets",
    "grant_attempts": "give learners of the area more tries at a quiz",
    "see_quiz_reports": "per-question figures over the batches they see",
    "run_workshops": "lead workshops: their batches are the top of a cascade",
    "see_all_jobs": "see every background job, not only those they started",
    "act_everywhere": "hold their capabilities over the whole tree, with no home region",
    "earn_certificates": "be issued a certificate on completing a course",
}

# Whom each role sees in its subtree, and whom it may create, import and reset passwords for.
VISIBLE_ROLES: dict[str, tuple[Role, ...]] = {
    ADMIN: tuple(Role),
    CELL_HEAD: (SAHAYAK, TRAINER, CELL_HEAD),
    TRAINER: (SAHAYAK,),
    SAHAYAK: (),
}
MANAGEABLE_ROLES: dict[str, tuple[Role, ...]] = {
    ADMIN: tuple(Role),
    CELL_HEAD: (SAHAYAK, TRAINER),
    TRAINER: (SAHAYAK,),
    SAHAYAK: (),
}

ANYWHERE = object()  # may(…) without a region: the role alone decides


def within(region: Region, ancestor: Region) -> bool:
    """Whether `region` is `ancestor` or lies below it (materialised paths: one prefix test)."""
    return region.path.startswith(ancestor.path)


def everywhere(user: User) -> bool:
    """Admins act everywhere; everyone else inside their own region's subtree."""
    return user.role in CAPABILITIES["act_everywhere"]


def needs_home_region(role: str) -> bool:
    """Whether people of this role must have a home region (all but those acting everywhere)."""
    return role not in CAPABILITIES["act_everywhere"]


def in_area(user: User, region: Region | None) -> bool:
    """Whether a region lies in the user's area; something with no region is the admins' alone."""
    if everywhere(user):
        return True
    return region is not None and user.region is not None and within(region, user.region)


def may(user: User | None, action: str, thing: object = ANYWHERE) -> bool:
    """Whether the user may do this. For a capability: whether their role has it, and, if a
    region is given (a Region, or None for something of no region), whether that region is in
    their area. For a rule: what the rule answers for this thing (without one, for any)."""
    if user is None or not user.is_authenticated:
        return False
    if action in CAPABILITIES:
        return user.role in CAPABILITIES[action] and (thing is ANYWHERE or in_area(user, thing))
    return rule(action).check(user, thing)


@dataclass(frozen=True)
class Rule:
    """A permission about a relationship, registered by the package that owns the thing."""

    name: str
    check: Callable[[User, object], bool]  # (user, thing or ANYWHERE) -> may they
    owner: str  # the package that registered it

    @property
    def who(self) -> str:
        """Who may, in words: the first paragraph of the check's docstring."""
        return " ".join((self.check.__doc__ or "").split("\n\n")[0].split())


_RULES = "lms.permission_rules"


def add_rule(app: Flask, name: str, check: Callable[[User, object], bool], owner: str) -> None:
    """Register a rule of this app (from a package's feature); a name is taken once."""
    found = app.extensions.setdefault(_RULES, {})
    if name in CAPABILITIES or name in found:
        raise ValueError(f"the permission {name!r} is already defined")
    found[name] = Rule(name, check, owner)


def rule(name: str) -> Rule:
    """The registered rule of this name (a misspelt one fails loudly)."""
    return current_app.extensions[_RULES][name]


def rules(app: Flask) -> list[Rule]:
    """Every rule of the app, by name (for `flask permissions`)."""
    return sorted(app.extensions.get(_RULES, {}).values(), key=lambda found: found.name)


def manages(actor: User, person: object) -> bool:
    """Admins, cell heads and trainers manage the people of the roles they may create in their
    area (reset their passwords, correct them), never themselves.

    The rule "manage_person", registered by auth's feature; `thing` is the person."""
    return isinstance(person, User) and may_manage(actor, person)


def roles_with(capability: str) -> list[str]:
    """The roles that have a capability, for SQL (`User.role.in_(…)`)."""
    return [str(role) for role in CAPABILITIES[capability]]


def may_manage(actor: User, person: User) -> bool:
    """Whether the actor may reset this person's password (never their own)."""
    return person.id != actor.id and may_manage_role(actor, person.role) and in_area(actor, person.region)


def may_manage_role(actor: User, role: str) -> bool:
    """Whether the actor may create, import or reset users of this role."""
    return role in MANAGEABLE_ROLES.get(actor.role, ())


def requires(action: str):
    """View decorator: signed in, and allowed the capability (or the rule, for some thing),
    else 403."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not may(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        guarded = login_required(guarded)
        guarded.capability = action  # read by the test that holds the routes to the table
        return guarded

    return decorate


def subtree_condition(region: Region) -> ColumnElement[bool]:
    """SQL: a region is `region` or below it."""
    return Region.path.startswith(region.path, autoescape=True)


def region_ids_under(region: Region) -> Select[tuple[int]]:
    """SQL: the ids of a region and every region below it."""
    return db.select(Region.id).where(subtree_condition(region))


def area_condition(user: User, region_id) -> ColumnElement[bool]:
    """SQL: the region id column lies in the user's area (`in_area`, for many rows at once)."""
    if everywhere(user):
        return true()
    if user.region is None:
        return false()
    return region_id.in_(region_ids_under(user.region))


def area_roots(user: User) -> Select[tuple[int]] | None:
    """SQL: the ids of the regions whose subtrees make up the user's area (`area_condition`
    as the tops of the tree: every root for admins, their own region otherwise); None if
    they have no area."""
    if everywhere(user):
        return db.select(Region.id).where(Region.parent_id.is_(None))
    if user.region_id is None:
        return None
    return db.select(Region.id).where(Region.id == user.region_id)


def regions_in_scope(actor: User) -> Select[tuple[Region]]:
    """Regions the actor may see: everything for admins, their subtree otherwise."""
    return db.select(Region).where(area_condition(actor, Region.id))


def users_in_scope(actor: User) -> Select[tuple[User]]:
    """People the actor may see and manage; a sahayak sees only themself."""
    query = db.select(User)
    if everywhere(actor):
        return query
    visible = User.role.in_([str(role) for role in VISIBLE_ROLES[actor.role]])
    return query.where(or_(User.id == actor.id, area_condition(actor, User.region_id) & visible))


def user_in_scope(actor: User, user_id: int) -> User:
    """The user with this id if the actor may see them, else NotFound."""
    user = db.session.execute(users_in_scope(actor).where(User.id == user_id)).scalar_one_or_none()
    if user is None:
        raise NotFound
    return user
