"""Targets (how many sahayaks a region should have trained, by when) and the running tallies
of quiz answers that the per-question report sums."""

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.core.clock import utcnow
from lms.extensions import db


class RegionTarget(db.Model):
    """The number of sahayaks who should complete a course in a region's subtree by a date."""

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), unique=True)
    target: Mapped[int]
    due_on: Mapped[date] = mapped_column(Date)
    set_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)


ATTEMPTS = -1  # the question of the tally row counting attempts at a quiz


class AnswerTally(db.Model):
    """How many times the members of a batch answered a question of a quiz one way: right, or
    wrong with an option id (as stored in that quiz) or a typed answer ('' when left empty).
    The row with question ATTEMPTS counts the attempts themselves. Kept as attempts are
    recorded, so the report sums a few rows per batch instead of reading every attempt."""

    __table_args__ = (
        Index("ix_answer_tally_key", "quiz_id", "batch_id", "question", "right", "answer", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"))
    batch_id: Mapped[int] = mapped_column(ForeignKey("batch.id"), index=True)
    question: Mapped[int]
    right: Mapped[bool]
    answer: Mapped[str] = mapped_column(String(200))
    times: Mapped[int]


class RegionAnswerTally(db.Model):
    """The AnswerTally rows of every batch held in a region's subtree, summed: what a cell
    head (one row per answer for their region) or an admin (the root regions) reads, instead
    of thousands of batches' rows."""

    __table_args__ = (
        Index(
            "ix_region_answer_tally_key", "quiz_id", "region_id", "question", "right", "answer", unique=True
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id"))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"), index=True)
    question: Mapped[int]
    right: Mapped[bool]
    answer: Mapped[str] = mapped_column(String(200))
    times: Mapped[int]
