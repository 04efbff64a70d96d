"""A rate-limit counter: how many hits a key has had in its current window."""

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lms.extensions import db


class ThrottleCount(db.Model):
    """One key's count, until its window ends (epoch seconds, as the limits library counts)."""

    __tablename__ = "throttle_count"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[float] = mapped_column(Float, index=True)
