"""Batch rules: creating, joining by code, leaders, rosters and the cascade."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError

from lms import errors
from lms.auth.models import Region, Role, User
from lms.auth.scope import find_user_in_scope, region_in_scope, regions_in_scope
from lms.auth.services import AuthError, check_new_password
from lms.batches.models import Batch, LeaderGrant, Membership
from lms.clock import utcnow
from lms.courses.models import Course, CourseVersion, Quiz
from lms.database import insert_ignore
from lms.extensions import db
from lms.learning.models import Completion, LessonRead, QuizProgress
from lms.people.regions import region_trail
from lms.people.services import NewPerson, PersonError, check_person, create_user
from lms.phones import format_phone
from lms.readable import READABLE_ALPHABET, readable_code
from lms.spreadsheets import csv_bytes, text_cell

CODE_LENGTH = 6


class BatchError(Exception):
    """A batch rule was broken; str() is a translatable message."""


class NotFound(errors.NotFound):
    """No such batch in the actor's scope."""


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


def may_lead(actor: User, course_id: int) -> bool:
    """Trainers and admins lead any course; a sahayak needs a cell head's grant for it."""
    if actor.role in (Role.TRAINER, Role.ADMIN, Role.CELL_HEAD):
        return True
    query = select(LeaderGrant.id).filter_by(user_id=actor.id, course_id=course_id)
    return db.session.execute(query).first() is not None


def leadable_courses(actor: User) -> list[CourseVersion]:
    """Live versions of the courses the actor may start batches for."""
    query = select(CourseVersion).join(Course, Course.live_version_id == CourseVersion.id)
    if actor.role == Role.SAHAYAK:
        query = query.where(Course.id.in_(select(LeaderGrant.course_id).filter_by(user_id=actor.id)))
    return list(db.session.execute(query.order_by(CourseVersion.title)).scalars())


def create_batch(
    actor: User, course_id: int, name: str, place: str, starts_on: date, region_id: int
) -> Batch:
    """A new open batch led by the actor, with a fresh join code."""
    course = db.session.get(Course, course_id)
    region = db.session.get(Region, region_id)
    if course is None or course.live_version_id is None or not may_lead(actor, course_id):
        raise BatchError(_l("You may not lead batches for this course."))
    if region is None or not region_in_scope(actor, region):
        raise BatchError(_l("Choose a region inside your own area."))
    for _ in range(10):  # a clash in a billion codes is rare; try again if it happens
        batch = Batch(
            course_id=course_id, leader_id=actor.id, region_id=region_id, name=name.strip(),
            place=place.strip(), starts_on=starts_on, join_code=readable_code(CODE_LENGTH), created_by_id=actor.id,
        )  # fmt: skip
        db.session.add(batch)
        try:
            db.session.commit()
            return batch
        except IntegrityError:
            db.session.rollback()
    raise BatchError(_l("Could not make a join code. Try again."))


def batches_in_scope(actor: User):
    """Batches the actor may see: all (admin), their region's (cell head), their own (leaders)."""
    query = select(Batch)
    if actor.role == Role.ADMIN:
        return query
    own = Batch.leader_id == actor.id
    if actor.role == Role.CELL_HEAD and actor.region is not None:
        in_area = Batch.region_id.in_(regions_in_scope(actor).with_only_columns(Region.id))
        return query.where(or_(own, in_area))
    return query.where(own)


def get_batch(actor: User, batch_id: int) -> Batch:
    """A batch in the actor's scope, or NotFound."""
    batch = db.session.execute(batches_in_scope(actor).where(Batch.id == batch_id)).scalar()
    if batch is None:
        raise NotFound
    return batch


def list_batches(actor: User) -> list[tuple[Batch, int, str]]:
    """(batch, member count, course title) for every batch in scope, newest first."""
    scoped = batches_in_scope(actor).subquery()
    members = select(Membership.batch_id, func.count().label("n")).group_by(Membership.batch_id).subquery()
    query = (
        select(Batch, func.coalesce(members.c.n, 0), CourseVersion.title)
        .join(scoped, scoped.c.id == Batch.id)
        .outerjoin(members, members.c.batch_id == Batch.id)
        .join(Course, Course.id == Batch.course_id)
        .join(CourseVersion, CourseVersion.id == Course.live_version_id)
        .order_by(Batch.starts_on.desc(), Batch.id.desc())
    )
    return [tuple(row) for row in db.session.execute(query)]


def batch_by_code(raw: str) -> Batch | None:
    """The batch with this join code, open or closed."""
    code = normalise_code(raw)
    return db.session.execute(select(Batch).filter_by(join_code=code)).scalar() if code else None


def set_open(actor: User, batch_id: int, is_open: bool) -> Batch:
    """Open or close a batch's join code."""
    batch = get_batch(actor, batch_id)
    batch.open = is_open
    db.session.commit()
    return batch


def join(user: User, batch: Batch) -> bool:
    """Add the user to an open batch (idempotent); True if they were added now."""
    if not batch.open:
        raise BatchError(_l("This batch is closed to new members."))
    if batch.leader_id == user.id:
        raise BatchError(_l("You lead this batch."))
    added = insert_ignore(Membership, batch_id=batch.id, user_id=user.id, joined_at=utcnow())
    db.session.commit()
    return added


def register_and_join(batch: Batch, name: str, phone: str, region_id: int, password: str, lang: str) -> User:
    """A new sahayak registers with their own password and joins the batch."""
    if not batch.open:
        raise BatchError(_l("This batch is closed to new members."))
    region = db.session.get(Region, region_id)
    if region is None or not region.path.startswith(batch.region.path):
        raise BatchError(_l("Choose your region inside the batch's area."))
    try:
        person = check_person(name, phone, Role.SAHAYAK.value, lang, region.code)
        check_new_password(person.phone, password)
        user = create_user(person, password)
    except (PersonError, AuthError) as error:
        raise BatchError(str(error)) from None
    join(user, batch)
    return user


def region_choices(batch: Batch, region_id: int | None) -> tuple[list[Region], list[Region]]:
    """For the step-by-step region picker: the chosen path (from the batch's region) and
    the children of the last region chosen."""
    root = batch.region
    chosen = db.session.get(Region, region_id) if region_id else None
    if chosen is None or not chosen.path.startswith(root.path):
        chosen = root
    trail = region_trail(chosen)
    children = (
        db.session.execute(select(Region).filter_by(parent_id=chosen.id).order_by(Region.name))
        .scalars()
        .all()
    )
    return trail[[r.id for r in trail].index(root.id) :], list(children)


def grant_leader(actor: User, user_id: int, course_id: int) -> None:
    """A cell head (or admin) lets a sahayak in their area who completed a course lead batches of it."""
    user = find_user_in_scope(actor, user_id)
    if actor.role not in (Role.CELL_HEAD, Role.ADMIN) or user is None:
        raise NotFound
    completed = select(Completion.id).filter_by(user_id=user.id, course_id=course_id)
    if db.session.execute(completed).first() is None:
        raise BatchError(_l("Only someone who completed the course can lead batches for it."))
    insert_ignore(
        LeaderGrant,
        user_id=user.id,
        course_id=course_id,
        granted_by_id=actor.id,
        granted_at=utcnow(),
    )
    db.session.commit()


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


def roster(batch: Batch) -> list[RosterRow]:
    """Every member with lessons read, quizzes passed, best scores, last activity and
    completion, in a fixed number of queries whatever the batch size."""
    members = db.session.execute(
        select(User, Membership.joined_at)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.batch_id == batch.id)
        .order_by(User.name)
    ).all()
    ids = [user.id for user, _ in members]
    live = db.session.get(Course, batch.course_id).live_version_id
    current = {
        (key, digest)
        for key, digest in db.session.execute(select(Quiz.key, Quiz.content_hash).filter_by(version_id=live))
    }
    reads = dict(db.session.execute(
        select(LessonRead.user_id, func.count()).where(LessonRead.user_id.in_(ids), LessonRead.course_id == batch.course_id).group_by(LessonRead.user_id)
    ).all()) if ids else {}  # fmt: skip
    progress = (
        db.session.execute(
            select(QuizProgress).where(
                QuizProgress.user_id.in_(ids), QuizProgress.course_id == batch.course_id
            )
        )
        .scalars()
        .all()
        if ids
        else []
    )
    completions = (
        dict(
            db.session.execute(
                select(Completion.user_id, Completion.completed_at).where(
                    Completion.user_id.in_(ids), Completion.course_id == batch.course_id
                )
            ).all()
        )
        if ids
        else {}
    )
    by_user: dict[int, list[QuizProgress]] = {}
    for row in progress:
        if (row.quiz_key, row.quiz_hash) in current:
            by_user.setdefault(row.user_id, []).append(row)
    rows = []
    for user, joined_at in members:
        mine = by_user.get(user.id, [])
        last = max((row.last_attempt_at for row in mine if row.last_attempt_at), default=None)
        rows.append(
            RosterRow(
                user,
                joined_at,
                reads.get(user.id, 0),
                sum(row.passed_at is not None for row in mine),
                {row.quiz_key: row.best_score for row in mine},
                {row.quiz_key for row in mine if row.passed_at},
                last,
                completions.get(user.id),
            )
        )
    return rows


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
        row.joined_at.date().isoformat(), row.lessons_read, row.quizzes_passed,
        *(row.best_scores.get(k, "") for k in quiz_keys),
        row.last_activity.isoformat(timespec="minutes") if row.last_activity else "",
        row.completed_at.date().isoformat() if row.completed_at else "",
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
    for quiz in course_quizzes(batch):
        scores = [row.best_scores[quiz.key] for row in rows if quiz.key in row.best_scores]
        passed = sum(quiz.key in row.passed for row in rows)
        average = round(sum(scores) / len(scores)) if scores else None
        summaries.append(QuizSummary(quiz, len(scores), passed, average))
    return summaries


def course_quizzes(batch: Batch) -> list[Quiz]:
    """The quizzes of the batch's course as it is now, in lesson order."""
    live = db.session.get(Course, batch.course_id).live_version_id
    return list(
        db.session.execute(
            select(Quiz).filter_by(version_id=live).order_by(Quiz.lesson_id, Quiz.id)
        ).scalars()
    )


def batch_import_rule(actor: User, batch: Batch):
    """Who a leader may register into a batch by CSV: sahayaks of the batch's area."""

    def allowed(person: NewPerson) -> None:
        if person.role != Role.SAHAYAK:
            raise PersonError(_l("Only sahayaks can be added to a batch this way."))
        if person.region is None or not person.region.path.startswith(batch.region.path):
            raise PersonError(
                _l("Region %(code)s is outside the batch's area.", code=getattr(person.region, "code", "-"))
            )

    return allowed


def add_members(batch: Batch, actor: User):
    """A callback adding freshly imported people to the batch (same transaction)."""

    def then(issued) -> None:
        for item in issued:
            db.session.add(Membership(batch_id=batch.id, user_id=item.user.id, added_by_id=actor.id))

    return then


def live_version(batch: Batch) -> CourseVersion:
    """The live version of the batch's course (its title, language, slug)."""
    return db.session.execute(
        select(CourseVersion)
        .join(Course, Course.live_version_id == CourseVersion.id)
        .where(Course.id == batch.course_id)
    ).scalar_one()


def course_slug(batch: Batch) -> str:
    """The batch's course id."""
    return db.session.get(Course, batch.course_id).slug
