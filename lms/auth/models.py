"""Who signs in and over what: roles, users, and the region tree that scopes every permission."""

from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import ColumnElement, DateTime, ForeignKey, Index, String
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import utcnow
from lms.extensions import db


class Role(StrEnum):
    """What a user may do; ordered from least to most powerful."""

    SAHAYAK = "sahayak"
    TRAINER = "trainer"
    CELL_HEAD = "cell_head"
    ADMIN = "admin"


LEARNER = Role.SAHAYAK  # whose learning the programme counts: the 40,000 it trains


def is_role(text: str) -> bool:
    """Whether the text names a role."""
    return text in set(Role)


def role_is_learner(role: str) -> bool:
    """Whether people of this role are learners (`User.is_learner` for a role alone)."""
    return role == LEARNER


class Region(db.Model):
    """A node of the place tree: state, district, assembly constituency, booth…"""

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    lok_sabha: Mapped[str | None] = mapped_column(String(200))
    # Materialised ancestry of ids ("/1/4/17/") so a subtree is one indexed prefix match.
    path: Mapped[str] = mapped_column(String(512))

    parent: Mapped["Region | None"] = relationship(remote_side=[id])

    # varchar_pattern_ops lets PostgreSQL use the index for LIKE 'prefix%' in any collation.
    __table_args__ = (Index("ix_region_path", "path", postgresql_ops={"path": "varchar_pattern_ops"}),)

    def __repr__(self) -> str:
        return f"<Region {self.code}>"


class User(UserMixin, db.Model):
    """Anyone who signs in; the phone number is the login."""

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(10), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    lang: Mapped[str] = mapped_column(String(2), default="en")
    role: Mapped[str] = mapped_column(String(16), default=Role.SAHAYAK.value, index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # A one-time password stops working at this moment (None: the user's own password).
    password_expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    # Milestones kept on the user so dashboards count 40,000 people in one indexed scan:
    # first lesson opened, first course completed, holding a valid certificate since.
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    certified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    region: Mapped[Region | None] = relationship(lazy="joined")

    __table_args__ = (
        Index("ix_user_progress", "region_id", "role", "started_at", "completed_at", "certified_at"),
    )

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses sessions of deactivated users."""
        return self.active

    @hybrid_property
    def is_learner(self) -> bool:
        """Whether the user is a learner, a sahayak: counted in the programme's figures, shown a
        learner's home. In SQL too: `select(User).where(User.is_learner)`."""
        return role_is_learner(self.role)

    @is_learner.inplace.expression
    @classmethod
    def _is_learner_in_sql(cls) -> ColumnElement[bool]:
        return cls.role == LEARNER.value

    def __repr__(self) -> str:
        return f"<User {self.phone} {self.role}>"


class SignIn(db.Model):
    """One browser signed in as a user, checked on every request: signing out, a new
    password, a reset or deactivation ends it on the server, wherever the cookie went."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the cookie's key
    device: Mapped[str] = mapped_column(String(100))  # e.g. "Chrome · Android", from the user agent
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
