"""Jobs: bulk work done in the background, with progress a person can watch."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.core.clock import utcnow
from lms.extensions import db

STATES = ("queued", "running", "done", "failed", "expired")


class Job(db.Model):
    """One piece of bulk work: what, for whom, how far, and what came of it."""

    __table_args__ = (Index("ix_job_state_lease", "state", "lease_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # e.g. certificates.zip (lms/jobs/registry)
    state: Mapped[str] = mapped_column(String(16), default="queued")
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    title: Mapped[str] = mapped_column(String(300))  # what it is doing, in its starter's language
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # A worker holds a running job until then, renewing it as it makes progress; a job held by
    # nobody (its worker was killed) is started again by the next worker that looks.
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    runs: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict] = mapped_column(JSON, default=dict)  # e.g. {"file": …, "summary": …}
    error: Mapped[str | None] = mapped_column(Text)  # why it failed, in its starter's language
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    created_by: Mapped[User] = relationship()

    @property
    def finished(self) -> bool:
        """Whether the job will change no more."""
        return self.state in ("done", "failed", "expired")
