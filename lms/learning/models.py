"""Progress per sahayak: lessons read, quiz attempts, best results, completions."""

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.core.clock import utcnow
from lms.courses.models import Course, CourseVersion, Quiz
from lms.extensions import db


class LessonRead(db.Model):
    """A lesson opened by a user; keyed by slug so new versions keep it."""

    __table_args__ = (UniqueConstraint("user_id", "course_id", "lesson_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    lesson_slug: Mapped[str] = mapped_column(String(100))
    first_read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Attempt(db.Model):
    """One submitted try at a quiz, keyed by the one-time token of the form it came from
    (which also carries the shuffle seed): a retried POST finds the row and changes nothing."""

    __table_args__ = (Index("ix_attempt_user_quiz", "user_id", "course_id", "quiz_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(200), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"))
    version_id: Mapped[int] = mapped_column(ForeignKey("course_version.id"))
    quiz_key: Mapped[str] = mapped_column(String(100))
    quiz_hash: Mapped[str] = mapped_column(String(64))
    seed: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    answers: Mapped[dict | None] = mapped_column(JSON)
    results: Mapped[list | None] = mapped_column(JSON)  # per question: right or wrong
    score: Mapped[int | None]
    passed: Mapped[bool | None]

    quiz: Mapped[Quiz] = relationship()
    course: Mapped[Course] = relationship()
    version: Mapped[CourseVersion] = relationship()


class QuizProgress(db.Model):
    """Attempts, best score and first pass of a user on a quiz of a course, within one round:
    every version keeps them, whatever changed, until a publisher asks for a retake (the
    quiz's next round, which starts afresh)."""

    __table_args__ = (UniqueConstraint("user_id", "course_id", "quiz_key", "round"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    quiz_key: Mapped[str] = mapped_column(String(100))
    round: Mapped[int] = mapped_column(default=1)
    attempts: Mapped[int] = mapped_column(default=0)
    # Tries given beyond the quiz's `attempts` by a trainer, cell head or admin (audited).
    extra_attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    best_score: Mapped[int] = mapped_column(default=0)
    passed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Completion(db.Model):
    """A course completed: every lesson read and every quiz passed (certificates build on it)."""

    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("course_version.id"))
    completed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PendingAnswers(db.Model):
    """Answers posted after the session expired, kept until the user signs in again (one row
    per attempt token at most, a bounded number per address, removed after a while)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    token: Mapped[str] = mapped_column(String(200), unique=True)
    answers: Mapped[dict] = mapped_column(JSON)
    address: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
