"""Milestones kept on each user so dashboards count 40,000 people in one indexed scan:
first lesson opened, first course completed, holding a valid certificate since. The
services that record those events set them; nothing else writes them."""

from sqlalchemy import update

from lms.auth.models import User
from lms.clock import utcnow
from lms.extensions import db


def mark_milestone(user_id: int, column) -> None:
    """Set a user's milestone time once, the first time it happens (flushes)."""
    db.session.execute(update(User).where(User.id == user_id, column.is_(None)).values({column: utcnow()}))


def clear_certified(user_id: int) -> None:
    """The user holds no valid certificate any more (flushes)."""
    db.session.execute(update(User).where(User.id == user_id).values(certified_at=None))
