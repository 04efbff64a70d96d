"""What batches answer to the questions of the packages below them (named in lms/batches/feature.py)."""

from sqlalchemy import Select, select

from lms.auth.models import User
from lms.auth.permissions import may
from lms.batches import attempts, services
from lms.batches.models import Batch, Membership
from lms.people.asks import ImportRule


def leadership_section(actor: User, person: User) -> tuple[str, dict] | None:
    """On a sahayak's page, for whoever may grant leadership there: the courses they completed."""
    if not person.is_learner or not may(actor, "grant_leadership", person.region):
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


def member_import_rule(name: str, actor: User, params: dict) -> ImportRule | None:
    """A background import into a batch ("batch_members"): its area's sahayaks only, each
    made a member."""
    if name != "batch_members":
        return None
    batch = services.get_batch(actor, params["batch_id"])
    return services.batch_import_rule(actor, batch), services.add_members(batch, actor)
