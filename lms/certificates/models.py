"""Certificates and their serial counters."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import Region, User
from lms.core.clock import utcnow
from lms.courses.models import Course, CourseVersion
from lms.extensions import db


class Certificate(db.Model):
    """A certificate for a completed course, with a snapshot of everything printed on it."""

    __table_args__ = (
        # At most one valid (unrevoked) certificate per person and course, enforced by the database.
        Index(
            "uq_certificate_valid",
            "user_id",
            "course_id",
            unique=True,
            sqlite_where=db.text("revoked_at IS NULL"),
            postgresql_where=db.text("revoked_at IS NULL"),
        ),
        # The issued list, newest first, reads one page from here instead of sorting them all.
        Index("ix_certificate_issued_at_id", "issued_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_version.id"))
    snapshot: Mapped[dict] = mapped_column(JSON)
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoke_reason: Mapped[str | None] = mapped_column(Text)  # the issuer's words: staff only
    revoke_category: Mapped[str | None] = mapped_column(String(20))  # shown publicly (REVOKE_CATEGORIES)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_template: Mapped[str | None] = mapped_column(String(16))
    # Someone is rendering its PDF until then (lms/certificates/downloads.py).
    pdf_claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    course: Mapped[Course] = relationship()
    version: Mapped[CourseVersion] = relationship()


class SerialCounter(db.Model):
    """The last serial number used in a year; incremented under a row lock."""

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(default=0)


class CertificateArt(db.Model):
    """An emblem or a signature printed on the certificates of a region's people (or of the
    whole programme), kept after it is replaced: certificates issued with it still print it."""

    __table_args__ = (
        # One emblem and one signature in use per region, and for the programme (region NULL,
        # which a unique index would otherwise count as different every time).
        Index(
            "uq_certificate_art_region",
            "kind",
            "region_id",
            unique=True,
            sqlite_where=db.text("retired_at IS NULL"),
            postgresql_where=db.text("retired_at IS NULL"),
        ),
        Index(
            "uq_certificate_art_programme",
            "kind",
            unique=True,
            sqlite_where=db.text("retired_at IS NULL AND region_id IS NULL"),
            postgresql_where=db.text("retired_at IS NULL AND region_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # ART_KINDS: "emblem" or "signature"
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    png: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # re-encoded by lms/core/images.py
    width: Mapped[int]
    height: Mapped[int]
    signatory: Mapped[str | None] = mapped_column(String(200))  # printed under a signature
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    region: Mapped[Region | None] = relationship()
    uploaded_by: Mapped[User] = relationship(foreign_keys=[uploaded_by_id])
