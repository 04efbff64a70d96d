"""Batch rules: creating, joining by code, registering, leader grants, rosters."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, bindparam, func, or_, select

from lms.auth.models import Region, Role, User, role_is_learner
from lms.auth.permissions import (
    ANYWHERE,
    area_condition,
    area_roots,
    in_area,
    may,
    region_ids_under,
    user_in_scope,
    users_in_scope,
    within,
)
from lms.auth.services import AuthError
from lms.batches import asks
from lms.batches.models import Batch, LeaderGrant, Membership
from lms.core.clock import local_date, local_moment, utcnow
from lms.core.database import insert_ignore
from lms.core.errors import NotFound
from lms.core.paging import Page, escape_like, page_of
from lms.core.phones import format_phone
from lms.core.readable import READABLE_ALPHABET, readable_code
from lms.core.spreadsheets import csv_bytes, text_cell
from lms.core.transactions import service
from lms.courses.models import Course, CourseVersion, Quiz
from lms.extensions import db
from lms.learning.models import Completion, LessonRead, QuizProgress
from lms.people.regions import region_trail
from lms.people.services import NewPerson, NumberTaken, PersonError, add_user, check_person

CODE_LENGTH = 6


class BatchError(Exception):
    """A batch rule was broken; str() is a translatable message."""


@dataclass
class RosterRow:
    """One member's progress in the batch's course."""

    user: User
    joined_at: datetime
    lessons_read: int
    quizzes_passed: int
    best_scores: dict[str, int]
    passed: set[str]
    last_activity: datetime | None
    completed_at: datetime | None


def normalise_code(raw: str) -> str:
    """A join code as typed: any case, spaces and dashes ignored."""
    return "".join(ch for ch in (raw or "").upper() if ch in READABLE_ALPHABET)[:16]


def holds_leader_grant(user: User, course_id: int | None = None) -> bool:
    """Whether the user was made a batch leader (for this course, or for any: asked for the
    menu on every page of a sahayak, so a statement built once, run on the connection)."""
    if course_id is not None:
        query = select(LeaderGrant.id).filter_by(user_id=user.id, course_id=course_id)
        return db.session.execute(query).first() is not None
    return db.session.connection().execute(_any_grant(), {"user_id": user.id}).first() is not None


@cache
def _any_grant() -> Select:
    """Whether a user holds any leader grant, as a statement with a parameter."""
    return select(LeaderGrant.id).where(LeaderGrant.user_id == bindparam("user_id")).limit(1)


def may_lead(actor: User, course_id: object) -> bool:
    """Trainers, cell heads and admins lead batches of any course; anyone else (a sahayak who
    completed it) those of a course a cell head let them lead.

    The rule "lead_batch" (lms/batches/feature.py); `thing` is a course id, or none: some course."""
    if may(actor, "lead_batches"):
        return True
    return holds_leader_grant(actor, None if course_id is ANYWHERE else course_id)


def leadable_courses(actor: User) -> list[CourseVersion]:
    """Live versions of the courses the actor may start batches for."""
    query = select(CourseVersion).join(Course, Course.live_version_id == CourseVersion.id)
    query = query.where(Course.unpublished_at.is_(None))  # an unpublished course gets no new batches
    if not may(actor, "lead_batches"):
        query = query.where(Course.id.in_(select(LeaderGrant.course_id).filter_by(user_id=actor.id)))
    return list(db.session.execute(query.order_by(CourseVersion.title)).scalars())


@service
def create_batch(
    actor: User, course_id: int, name: str, place: str, starts_on: date, region_id: int
) -> Batch:
    """A new open batch led by the actor, with a fresh join code."""
    course = db.session.get(Course, course_id)
    region = db.session.get(Region, region_id)
    if course is None or not course.listed or not may(actor, "lead_batch", course_id):
        raise BatchError(_l("You may not lead batches for this course."))
    if region is None or not in_area(actor, region):
        raise BatchError(_l("Choose a region inside your own area."))
    batch = Batch(
        course=course, leader_id=actor.id, region=region, name=name.strip(), place=place.strip(),
        starts_on=starts_on, join_code=_unused_code(), created_by_id=actor.id,
    )  # fmt: skip
    db.session.add(batch)
    return batch


def _unused_code() -> str:
    """A join code no batch has yet (the UNIQUE index still stops a billion-to-one race)."""
    for _ in range(10):
        code = readable_code(CODE_LENGTH)
        if db.session.execute(select(Batch.id).filter_by(join_code=code)).first() is None:
            return code
    raise BatchError(_l("Could not make a join code. Try again."))


def batches_in_scope(actor: User):
    """Batches the actor may see: their own, and those held in their area if they oversee batches."""
    own = Batch.leader_id == actor.id
    if may(actor, "oversee_batches"):
        return select(Batch).where(or_(own, area_condition(actor, Batch.region_id)))
    return select(Batch).where(own)


def batch_areas(actor: User):
    """`batches_in_scope` in two parts, for figures kept per region: the ids of the regions
    whose every batch the actor sees (None if none), and of their own batches outside them."""
    own = select(Batch.id).where(Batch.leader_id == actor.id)
    if not may(actor, "oversee_batches"):
        return None, own
    return area_roots(actor), own.where(~area_condition(actor, Batch.region_id))


def get_batch(actor: User, batch_id: int) -> Batch:
    """A batch in the actor's scope, or NotFound."""
    batch = db.session.execute(batches_in_scope(actor).where(Batch.id == batch_id)).scalar()
    if batch is None:
        raise NotFound
    return batch


def batches_of(person: User) -> list[tuple[Batch, datetime]]:
    """The batches a person joined, with when, newest first."""
    query = (
        select(Batch, Membership.joined_at)
        .join(Membership, Membership.batch_id == Batch.id)
        .where(Membership.user_id == person.id)
        .order_by(Membership.joined_at.desc())
    )
    return [tuple(row) for row in db.session.execute(query)]


def visible_batch_ids(actor: User, ids: list[int]) -> set[int]:
    """Which of these batches the actor may open."""
    query = batches_in_scope(actor).where(Batch.id.in_(ids)).with_only_columns(Batch.id)
    return set(db.session.execute(query).scalars())


def list_batches(actor: User, search: str = "", page: int = 1, per_page: int = 50) -> Page:
    """A page of (batch, member count, course title) of the batches in scope, newest first;
    `search`: batch names, join codes or leaders' names containing it."""
    query = batches_in_scope(actor).join(User, User.id == Batch.leader_id)
    if search.strip():
        pattern = f"%{escape_like(search)}%"
        query = query.where(
            Batch.name.ilike(pattern, escape="\\")
            | Batch.join_code.ilike(pattern, escape="\\")
            | User.name.ilike(pattern, escape="\\")
        )
    found = page_of(query.order_by(Batch.starts_on.desc(), Batch.id.desc()), page, per_page, scalars=True)
    ids = [batch.id for batch in found.items]
    members = dict(
        db.session.execute(
            select(Membership.batch_id, func.count())
            .where(Membership.batch_id.in_(ids))
            .group_by(Membership.batch_id)
        ).all()
    )
    titles = dict(
        db.session.execute(
            select(Course.id, CourseVersion.title)
            .join(CourseVersion, CourseVersion.id == Course.live_version_id)
            .where(Course.id.in_({batch.course_id for batch in found.items}))
        ).all()
    )
    found.items = [
        (batch, members.get(batch.id, 0), titles.get(batch.course_id, "")) for batch in found.items
    ]
    return found


def batch_with_code(raw: str) -> Batch:
    """The batch with this join code (as typed), open or closed, or NotFound."""
    code = normalise_code(raw)
    batch = db.session.execute(select(Batch).filter_by(join_code=code)).scalar() if code else None
    if batch is None:
        raise NotFound
    return batch


@service
def set_open(actor: User, batch_id: int, is_open: bool) -> Batch:
    """Open or close a batch's join code."""
    batch = get_batch(actor, batch_id)
    batch.open = is_open
    return batch


@service
def join(user: User, batch: Batch) -> bool:
    """Add the user to an open batch (idempotent); True if they were added now."""
    added = _add_member(batch, user)
    return added


def _add_member(batch: Batch, user: User) -> bool:
    """Add a member to an open batch unless already there (flushes); True if added."""
    _ensure_joinable(batch)
    if batch.leader_id == user.id:
        raise BatchError(_l("You lead this batch."))
    added = insert_ignore(Membership, batch_id=batch.id, user_id=user.id, joined_at=utcnow())
    if added:
        asks.member_joined.answers(batch, user.id)  # e.g. count their earlier quiz answers
    return added


def _ensure_joinable(batch: Batch) -> None:
    """People join open batches of courses learners can read."""
    if not batch.open:
        raise BatchError(_l("This batch is closed to new members."))
    if not batch.course.listed:
        raise BatchError(_l("This batch's course is not available at the moment."))


@service
def register_and_join(batch: Batch, name: str, phone: str, region_id: int, password: str, lang: str) -> User:
    """A new sahayak registers with their own password and joins the batch, in one transaction."""
    _ensure_joinable(batch)
    region = db.session.get(Region, region_id)
    if region is None or not within(region, batch.region):
        raise BatchError(_l("Choose your region inside the batch's area."))
    try:
        person = check_person(name, phone, Role.SAHAYAK.value, lang, region.code)
        user = add_user(person, password)
    except NumberTaken:  # said without confirming to anyone trying numbers that it is registered
        raise BatchError(
            _l(
                "This number cannot be registered here. If you already have an account, sign in "
                "and join the batch; if you forgot your password, ask your trainer for a new one."
            )
        ) from None
    except (PersonError, AuthError) as error:
        raise BatchError(str(error)) from None
    _add_member(batch, user)
    return user


def region_choices(batch: Batch, region_id: int | None) -> tuple[list[Region], list[Region]]:
    """For the step-by-step region picker: the chosen path (from the batch's region) and
    the children of the last region chosen."""
    root = batch.region
    chosen = db.session.get(Region, region_id) if region_id else None
    if chosen is None or not within(chosen, root):
        chosen = root
    trail = region_trail(chosen)
    children = (
        db.session.execute(select(Region).filter_by(parent_id=chosen.id).order_by(Region.name))
        .scalars()
        .all()
    )
    return trail[[r.id for r in trail].index(root.id) :], list(children)


@service
def grant_leader(actor: User, user_id: int, course_id: int) -> None:
    """Let someone in the actor's area who completed a course lead batches of it (NotFound
    unless the actor may grant leadership there)."""
    user = user_in_scope(actor, user_id)
    if not may(actor, "grant_leadership", user.region):
        raise NotFound
    completed = select(Completion.id).filter_by(user_id=user.id, course_id=course_id)
    if db.session.execute(completed).first() is None:
        raise BatchError(_l("Only someone who completed the course can lead batches for it."))
    insert_ignore(
        LeaderGrant, user_id=user.id, course_id=course_id, granted_by_id=actor.id, granted_at=utcnow()
    )


def completed_courses(user: User) -> list[tuple[Course, CourseVersion, bool]]:
    """Courses the user completed, with whether they may lead batches for each."""
    granted = select(LeaderGrant.course_id).filter_by(user_id=user.id)
    query = (
        select(Course, CourseVersion, Course.id.in_(granted))
        .join(Completion, Completion.course_id == Course.id)
        .join(CourseVersion, CourseVersion.id == Course.live_version_id)
        .where(Completion.user_id == user.id)
    )
    return [tuple(row) for row in db.session.execute(query)]


def members_seen_by(actor: User, batch: Batch) -> ColumnElement[bool]:
    """SQL on User: the batch's members the actor may see on its roster: those who live in
    the batch's area, and anyone the actor may see anyway. Someone from elsewhere who joined
    by code is counted, never named (their own region's people see them)."""
    in_batch_area = User.region_id.in_(region_ids_under(batch.region))
    return or_(in_batch_area, User.id.in_(users_in_scope(actor).with_only_columns(User.id)))


def members_outside(actor: User, batch: Batch) -> int:
    """How many of the batch's members the actor may not see on its roster."""
    query = (
        select(func.count())
        .select_from(Membership)
        .join(User, User.id == Membership.user_id)
        .where(Membership.batch_id == batch.id, ~members_seen_by(actor, batch))
    )
    return db.session.execute(query).scalar()


def roster(batch: Batch, actor: User) -> list[RosterRow]:
    """Every member the actor may see (`members_seen_by`) with lessons read, quizzes passed,
    best scores, last activity and completion, in a fixed number of queries whatever the
    batch size."""
    seen = (Membership.batch_id == batch.id) & members_seen_by(actor, batch)
    members = select(Membership.user_id).join(User, User.id == Membership.user_id).where(seen)
    rows = db.session.execute(
        select(User, Membership.joined_at)
        .join(Membership, Membership.user_id == User.id)
        .where(seen)
        .order_by(User.name)
    ).all()
    current = {(quiz.key, quiz.round) for quiz in batch.course.live_version.quizzes}
    in_course = (LessonRead.course_id == batch.course_id) & LessonRead.user_id.in_(members)
    reads = dict(
        db.session.execute(
            select(LessonRead.user_id, func.count()).where(in_course).group_by(LessonRead.user_id)
        ).all()
    )
    completions = dict(
        db.session.execute(
            select(Completion.user_id, Completion.completed_at).where(
                Completion.course_id == batch.course_id, Completion.user_id.in_(members)
            )
        ).all()
    )
    progress = db.session.execute(
        select(QuizProgress).where(
            QuizProgress.course_id == batch.course_id, QuizProgress.user_id.in_(members)
        )
    ).scalars()
    by_user: dict[int, list[QuizProgress]] = {}
    for row in progress:
        if (row.quiz_key, row.round) in current:
            by_user.setdefault(row.user_id, []).append(row)
    return [
        _roster_row(user, joined_at, reads, completions, by_user.get(user.id, [])) for user, joined_at in rows
    ]


def _roster_row(user: User, joined_at: datetime, reads: dict, completions: dict, mine: list) -> RosterRow:
    """One member's row from the figures gathered for the whole batch."""
    last = max((row.last_attempt_at for row in mine if row.last_attempt_at), default=None)
    return RosterRow(
        user, joined_at, reads.get(user.id, 0), sum(row.passed_at is not None for row in mine),
        {row.quiz_key: row.best_score for row in mine}, {row.quiz_key for row in mine if row.passed_at},
        last, completions.get(user.id),
    )  # fmt: skip


def roster_csv(batch: Batch, rows: list[RosterRow], quiz_keys: list[str]) -> bytes:
    """The roster as CSV (UTF-8 with BOM so spreadsheet apps read Bengali)."""
    header = [
        "name",
        "phone",
        "region",
        "joined",
        "lessons_read",
        "quizzes_passed",
        *(f"best_{k}" for k in quiz_keys),
        "last_activity",
        "completed",
    ]
    return csv_bytes(header, (_roster_line(row, quiz_keys) for row in rows))


def _roster_line(row: RosterRow, quiz_keys: list[str]) -> list:
    """One member's cells of the roster CSV."""
    return [
        text_cell(row.user.name), format_phone(row.user.phone), row.user.region.code if row.user.region else "",
        local_date(row.joined_at).isoformat(), row.lessons_read, row.quizzes_passed,
        *(row.best_scores.get(k, "") for k in quiz_keys),
        local_moment(row.last_activity).isoformat(timespec="minutes") if row.last_activity else "",
        local_date(row.completed_at).isoformat() if row.completed_at else "",
    ]  # fmt: skip


@dataclass
class QuizSummary:
    """How a batch did on one quiz."""

    quiz: Quiz
    attempted: int
    passed: int
    average_best: int | None


def quiz_summaries(batch: Batch, rows: list[RosterRow]) -> list[QuizSummary]:
    """Per quiz: members who tried it, who passed, and their average best score."""
    summaries = []
    for quiz in batch.course.live_version.quizzes:
        scores = [row.best_scores[quiz.key] for row in rows if quiz.key in row.best_scores]
        passed = sum(quiz.key in row.passed for row in rows)
        average = round(sum(scores) / len(scores)) if scores else None
        summaries.append(QuizSummary(quiz, len(scores), passed, average))
    return summaries


def batch_import_rule(actor: User, batch: Batch):
    """Who a leader may register into a batch by CSV: sahayaks of the batch's area."""

    def allowed(person: NewPerson) -> None:
        if not role_is_learner(person.role):
            raise PersonError(_l("Only sahayaks can be added to a batch this way."))
        if person.region is None or not within(person.region, batch.region):
            raise PersonError(
                _l("Region %(code)s is outside the batch's area.", code=getattr(person.region, "code", "-"))
            )

    return allowed


def add_members(batch: Batch, actor: User):
    """A callback adding freshly imported people to the batch (same transaction, flushes)."""

    def then(issued) -> None:
        for item in issued:
            db.session.add(Membership(batch_id=batch.id, user_id=item.user.id, added_by_id=actor.id))
        db.session.flush()

    return then
