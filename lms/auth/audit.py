"""The audit log: who did what to which record, when, with the details (before and after).

Every service that changes a record someone else made (certificates issued and revoked,
extra quiz attempts granted, people corrected) adds an event in its own transaction."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.core.clock import utcnow
from lms.extensions import db


class AuditEvent(db.Model):
    """One audited action."""

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    action: Mapped[str] = mapped_column(String(32), index=True)
    subject: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    actor: Mapped[User | None] = relationship()


def audit(actor: User | None, action: str, subject: str, detail: dict) -> None:
    """Add an audit event to the current transaction (the caller commits)."""
    db.session.add(
        AuditEvent(actor_id=actor and actor.id, action=action, subject=subject, detail=detail, at=utcnow())
    )
