"""Courses and their immutable published versions."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.auth.models import User
from lms.core.clock import utcnow
from lms.extensions import db


class Course(db.Model):
    """A course, known by its folder name; its live version is what learners read, unless it
    was unpublished (then learners no longer see it, and everything they did stays)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    live_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("course_version.id", use_alter=True, name="fk_course_live_version_id_course_version")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    unpublished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    live_version: Mapped["CourseVersion | None"] = relationship(
        foreign_keys=[live_version_id], post_update=True
    )

    @property
    def listed(self) -> bool:
        """Whether learners see the course: it has a live version and is not unpublished."""
        return self.live_version_id is not None and self.unpublished_at is None


class CourseOwner(db.Model):
    """Someone who may edit, upload and publish a course (admins always may)."""

    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class CourseVersion(db.Model):
    """One published snapshot of a course: settings, rendered HTML, files, quizzes."""

    __table_args__ = (UniqueConstraint("course_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(300))
    lang: Mapped[str] = mapped_column(String(2))
    summary: Mapped[str] = mapped_column(Text, default="")
    pass_mark: Mapped[int]
    certificate: Mapped[bool]
    intro_html: Mapped[str] = mapped_column(Text)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    origin: Mapped[str] = mapped_column(String(16), default="cli")  # cli (a folder), upload, editor
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("course_version.id"))  # the live one then

    course: Mapped[Course] = relationship(foreign_keys=[course_id])
    lessons: Mapped[list["Lesson"]] = relationship(order_by="Lesson.position", back_populates="version")
    quizzes: Mapped[list["Quiz"]] = relationship(
        order_by="[Quiz.lesson_id, Quiz.id]", back_populates="version"
    )


class CourseFile(db.Model):
    """A source file of a version (Markdown or asset), kept for download and serving."""

    __table_args__ = (UniqueConstraint("version_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_version.id"), index=True)
    path: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Lesson(db.Model):
    """A lesson of a version, rendered and sanitised at publish time."""

    __table_args__ = (UniqueConstraint("version_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_version.id"), index=True)
    position: Mapped[int]
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    duration_min: Mapped[int | None]
    source_path: Mapped[str] = mapped_column(String(300))
    # Quizzes appear as <!--quiz:KEY--> markers. Deferred: lists of lessons never need the text.
    html: Mapped[str] = mapped_column(Text, deferred=True)

    version: Mapped[CourseVersion] = relationship(back_populates="lessons")
    quizzes: Mapped[list["Quiz"]] = relationship(order_by="Quiz.id", back_populates="lesson")


class Quiz(db.Model):
    """A quiz of a lesson; `spec` holds the answers and never goes to the browser as is."""

    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_version.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id"), index=True)
    key: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # What decides right and wrong (courses/quizzes.py grading_hash); None before it was kept.
    grading_hash: Mapped[str | None] = mapped_column(String(64))
    # Passes count within a round: a new version keeps the round unless its publisher asked
    # everyone to take the quiz again (a retake), which starts the next one.
    round: Mapped[int] = mapped_column(default=1)
    pass_mark: Mapped[int]
    attempts: Mapped[int | None]
    shuffle: Mapped[bool]
    spec: Mapped[dict] = mapped_column(JSON)

    version: Mapped[CourseVersion] = relationship(back_populates="quizzes")
    lesson: Mapped[Lesson] = relationship(back_populates="quizzes")


class PublishEvent(db.Model):
    """Who published which version of which course, when and how."""

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_version.id"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    origin: Mapped[str] = mapped_column(String(16))  # cli, upload, editor; unpublish, republish
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Per quiz whose grading changed: {"quizzes": [{"key", "passed": N, "decision": keep|retake}]}
    detail: Mapped[dict] = mapped_column(JSON, default=dict)


class DraftFile(db.Model):
    """A file of a course changed in the browser or by an upload and not yet published;
    no data means the file is deleted in the draft."""

    __table_args__ = (UniqueConstraint("course_id", "path"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    path: Mapped[str] = mapped_column(String(300))
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    origin: Mapped[str] = mapped_column(String(16), default="editor")  # editor or upload
    # Its rendering ran over the time budget: shown as a problem, never rendered on a GET.
    slow: Mapped[bool] = mapped_column(default=False)
    # Its preview, rendered once when saved, and what it was rendered from (text, files, version).
    preview_html: Mapped[str | None] = mapped_column(Text, deferred=True)
    preview_key: Mapped[str | None] = mapped_column(String(64))
    author_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    author: Mapped[User] = relationship()

    @property
    def text(self) -> str | None:
        """The file as text (Markdown), or None when deleted."""
        return None if self.data is None else self.data.decode("utf-8", errors="replace")
