"""What batches add to pages and questions of the packages below them (lms/hooks.py)."""

from flask import Flask
from sqlalchemy import Select, select

from lms import hooks
from lms.auth.models import Role, User
from lms.auth.permissions import may
from lms.batches import attempts, services
from lms.batches.models import Batch, Membership
from lms.people.jobs import register_rule


def leadership_section(actor: User, person: User) -> tuple[str, dict] | None:
    """On a sahayak's page, for whoever may grant leadership there: the courses they completed."""
    if person.role != Role.SAHAYAK or not may(actor, "grant_leadership", person.region):
        return None
    completed = services.completed_courses(person)
    return ("batches/_leadership.html", {"completed": completed}) if completed else None


def tries_section(actor: User, person: User) -> tuple[str, dict] | None:
    """On a learner's page, for whoever may give them more tries: their courses' quiz tries."""
    courses = attempts.courses_with_tries(actor, person)
    return ("batches/_tries.html", {"courses": courses}) if courses else None


def batches_section(actor: User, person: User) -> tuple[str, dict] | None:
    """On a person's page: the batches they joined (who trained them), linked where the
    viewer may open the batch."""
    joined = services.batches_of(person)
    visible = services.visible_batch_ids(actor, [batch.id for batch, _joined in joined])
    return ("batches/_person.html", {"batches": joined, "visible": visible}) if joined else None


def joined_courses(user_id: int) -> Select[tuple[int]]:
    """SQL: the courses of the batches the user joined (they count as the user's courses)."""
    return (
        select(Batch.course_id)
        .join(Membership, Membership.batch_id == Batch.id)
        .where(Membership.user_id == user_id)
    )


def member_import_rule(actor: User, params: dict):
    """A background import into a batch: its area's sahayaks only, each made a member."""
    batch = services.get_batch(actor, params["batch_id"])
    return services.batch_import_rule(actor, batch), services.add_members(batch, actor)


def init_app(app: Flask) -> None:
    """Answer the hooks of people (person_sections) and learning (enrolled_courses), and say
    how a background import into a batch works."""
    hooks.register(app, "person_sections", leadership_section)
    hooks.register(app, "person_sections", tries_section)
    hooks.register(app, "person_sections", batches_section)
    hooks.register(app, "enrolled_courses", joined_courses)
    register_rule(app, "batch_members", member_import_rule)
