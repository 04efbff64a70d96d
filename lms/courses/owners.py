"""Who may change a course: its owners (the trainer who created it on the web and the
co-owners they add) and admins. Courses published from a folder on the command line are
the admins' until an admin names owners. Every trainer may read any course's history and
sources."""

from flask_babel import lazy_gettext as _l

from lms.auth.models import User
from lms.auth.permissions import ANYWHERE, may, roles_with
from lms.core.clock import utcnow
from lms.core.database import insert_ignore
from lms.core.errors import Forbidden, NotFound
from lms.core.phones import PhoneError, normalise_phone
from lms.core.transactions import service
from lms.courses.models import Course, CourseOwner
from lms.extensions import db


class OwnerError(Exception):
    """An owner cannot be added or removed; str() is a translatable message."""


def owners(course: Course) -> list[User]:
    """The course's owners by name (admins own every course besides)."""
    query = (
        db.select(User)
        .join(CourseOwner, CourseOwner.user_id == User.id)
        .filter(CourseOwner.course_id == course.id)
    )
    return list(db.session.execute(query.order_by(User.name)).scalars())


def may_edit(user: User, course: object) -> bool:
    """Its owners (whoever created it on the web, and the co-owners they add) and admins edit,
    upload, publish and unpublish a course.

    The rule "edit_course" (lms/courses/feature.py); `thing` is the course, or none: some course."""
    if not may(user, "publish_courses"):
        return False
    if may(user, "edit_any_course") or course is ANYWHERE:
        return True
    query = db.select(CourseOwner.id).filter_by(course_id=course.id, user_id=user.id)
    return db.session.execute(query).first() is not None


def editable_by(user: User) -> set[int]:
    """Ids of every course the user may change."""
    if not may(user, "publish_courses"):
        return set()
    query = db.select(Course.id)
    if not may(user, "edit_any_course"):
        query = query.join(CourseOwner, CourseOwner.course_id == Course.id).where(
            CourseOwner.user_id == user.id
        )
    return set(db.session.execute(query).scalars())


def ensure_editor(user: User, course: Course) -> None:
    """Forbidden unless the user may change this course, saying who may."""
    if not may(user, "edit_course", course):
        names = ", ".join(owner.name for owner in owners(course))
        if names:
            raise Forbidden(
                str(
                    _l(
                        "Only the owners of this course (%(names)s) and administrators may change it.",
                        names=names,
                    )
                )
            )
        raise Forbidden(str(_l("Only administrators may change this course until they name its owners.")))


def claim(course: Course, user: User) -> None:
    """Make the user an owner of a course they create (flushes)."""
    insert_ignore(CourseOwner, course_id=course.id, user_id=user.id, added_by_id=user.id, added_at=utcnow())


@service
def add_owner(actor: User, course: Course, raw_phone: str) -> User:
    """Let a trainer (found by mobile number) co-own the course."""
    ensure_editor(actor, course)
    try:
        phone = normalise_phone(raw_phone)
    except PhoneError as error:
        raise OwnerError(str(error)) from None
    query = db.select(User).filter(User.phone == phone, User.role.in_(roles_with("publish_courses")))
    user = db.session.execute(query).scalar_one_or_none()
    if user is None or not user.active:
        raise OwnerError(_l("No trainer signs in with %(phone)s.", phone=phone))
    insert_ignore(CourseOwner, course_id=course.id, user_id=user.id, added_by_id=actor.id, added_at=utcnow())
    return user


@service
def remove_owner(actor: User, course: Course, user_id: int) -> None:
    """Take someone off the course's owners (they keep everything they published)."""
    ensure_editor(actor, course)
    owner = db.session.execute(
        db.select(CourseOwner).filter_by(course_id=course.id, user_id=user_id)
    ).scalar()
    if owner is None:
        raise NotFound
    db.session.delete(owner)
