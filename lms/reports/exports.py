"""CSV exports that stream: rows are read in chunks and written as they come (lms.core.spreadsheets)."""

from collections.abc import Iterator

from sqlalchemy import func, select

from lms.auth.models import Region, User
from lms.auth.permissions import region_ids_under, subtree_condition
from lms.batches.models import Batch, Membership
from lms.certificates.models import Certificate
from lms.core.clock import local_date, local_moment
from lms.core.phones import format_phone
from lms.core.spreadsheets import text_cell
from lms.courses.models import Course, CourseVersion
from lms.extensions import db
from lms.learning.models import Completion, LessonRead, QuizProgress
from lms.people.regions import path_ids

CHUNK = 1000  # rows fetched from the database at a time


def region_paths(region: Region) -> dict[int, str]:
    """Full name paths ("West Bengal › Kolkata › …") of the region's subtree, in one query."""
    ancestors = path_ids(region)
    query = select(Region.id, Region.name, Region.parent_id).where(
        subtree_condition(region) | Region.id.in_(ancestors)
    )
    rows = {rid: (name, parent) for rid, name, parent in db.session.execute(query)}
    paths: dict[int, str] = {}

    def path_of(rid: int) -> str:
        if rid not in paths:
            name, parent = rows[rid]
            paths[rid] = f"{path_of(parent)} › {name}" if parent in rows else name
        return paths[rid]

    for rid in rows:
        path_of(rid)
    return paths


def _in_region(region: Region):
    """Users whose home region is in the subtree."""
    return User.region_id.in_(region_ids_under(region))


def people_rows(region: Region) -> Iterator[list]:
    """Per sahayak: region path, lessons read, courses completed, certificates, batches, last activity."""
    counts = {
        "reads": select(LessonRead.user_id, func.count().label("n")).group_by(LessonRead.user_id).subquery(),
        "done": select(Completion.user_id, func.count().label("n")).group_by(Completion.user_id).subquery(),
        "certs": select(Certificate.user_id, func.count().label("n"))
        .where(Certificate.revoked_at.is_(None))
        .group_by(Certificate.user_id)
        .subquery(),
        "batches": select(Membership.user_id, func.count().label("n"))
        .group_by(Membership.user_id)
        .subquery(),
    }
    last = (
        select(QuizProgress.user_id, func.max(QuizProgress.last_attempt_at).label("at"))
        .group_by(QuizProgress.user_id)
        .subquery()
    )
    query = select(
        User.name,
        User.phone,
        User.region_id,
        *(func.coalesce(sub.c.n, 0) for sub in counts.values()),
        last.c.at,
        User.active,
    ).where(User.is_learner, _in_region(region))
    for sub in counts.values():
        query = query.outerjoin(sub, sub.c.user_id == User.id)
    query = query.outerjoin(last, last.c.user_id == User.id).order_by(User.id)
    paths = region_paths(region)
    for name, phone, region_id, reads, done, certs, batches, at, active in db.session.execute(
        query.execution_options(yield_per=CHUNK)
    ):
        yield [
            text_cell(name),
            format_phone(phone),
            text_cell(paths.get(region_id, "")),
            reads,
            done,
            certs,
            batches,
            local_moment(at).isoformat(timespec="minutes") if at else "",
            "" if active else "deactivated",
        ]


PEOPLE_HEADER = [
    "name",
    "phone",
    "region_path",
    "lessons_read",
    "courses_completed",
    "certificates",
    "batches",
    "last_quiz_at",
    "status",  # "deactivated" for people who left; their records stay
]


def certificate_rows(region: Region) -> Iterator[list]:
    """Every certificate of people in the subtree, valid and revoked."""
    query = (
        select(Certificate, User.region_id)
        .join(User, User.id == Certificate.user_id)
        .where(_in_region(region))
        .order_by(Certificate.id)
    )
    paths = region_paths(region)
    for cert, region_id in db.session.execute(query.execution_options(yield_per=CHUNK)):
        snap = cert.snapshot
        yield [
            cert.serial, text_cell(snap["name"]), text_cell(snap["course_title"]), text_cell(paths.get(region_id, "")),
            snap["issued_on"], text_cell(snap["issuer_name"]), "revoked" if cert.revoked_at else "valid",
            local_date(cert.revoked_at).isoformat() if cert.revoked_at else "", cert.revoke_category or "",
            text_cell(cert.revoke_reason or ""),
        ]  # fmt: skip


CERTIFICATE_HEADER = [
    "serial",
    "name",
    "course",
    "region_path",
    "issued_on",
    "issued_by",
    "status",
    "revoked_on",
    "revoke_category",
    "revoke_reason",
]


def batch_rows(region: Region) -> Iterator[list]:
    """Every batch held in the subtree, with its leader and member count."""
    members = select(Membership.batch_id, func.count().label("n")).group_by(Membership.batch_id).subquery()
    query = (
        select(
            Batch.name,
            CourseVersion.title,
            User.name,
            Batch.region_id,
            Batch.starts_on,
            Batch.join_code,
            Batch.open,
            func.coalesce(members.c.n, 0),
        )
        .join(User, User.id == Batch.leader_id)
        .join(Course, Course.id == Batch.course_id)
        .join(CourseVersion, CourseVersion.id == Course.live_version_id)
        .outerjoin(members, members.c.batch_id == Batch.id)
        .where(Batch.region_id.in_(region_ids_under(region)))
        .order_by(Batch.id)
    )
    paths = region_paths(region)
    for name, course, leader, region_id, starts_on, code, is_open, count in db.session.execute(
        query.execution_options(yield_per=CHUNK)
    ):
        yield [
            text_cell(name),
            text_cell(course),
            text_cell(leader),
            text_cell(paths.get(region_id, "")),
            starts_on.isoformat(),
            code,
            "open" if is_open else "closed",
            count,
        ]


BATCH_HEADER = ["batch", "course", "leader", "region_path", "starts_on", "join_code", "status", "members"]
