"""Progress against a region's target: the burn-up of completions and certificates."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, cast, func, select

from lms.auth.models import Region, User
from lms.auth.permissions import may, region_ids_under
from lms.core.clock import local_today, utc_offset_minutes
from lms.core.transactions import service
from lms.extensions import db
from lms.reports.models import RegionTarget

WIDTH, HEIGHT, LEFT, BOTTOM = 320, 160, 40, 20
MIN_DAYS = 14  # the shortest time the burn-up chart spans


class TargetError(Exception):
    """A target that cannot be set; str() is a translatable message."""


@dataclass
class BurnUp:
    """Cumulative completions and certificates per day, the target and the pace needed."""

    target: RegionTarget | None
    completed: list[tuple[date, int]] = field(default_factory=list)
    certified: list[tuple[date, int]] = field(default_factory=list)
    today: date = field(default_factory=local_today)

    @property
    def done(self) -> int:
        return self.completed[-1][1] if self.completed else 0

    @property
    def pace(self) -> float | None:
        """Completions needed per day from today to reach the target on time."""
        if self.target is None:
            return None
        days = (self.target.due_on - self.today).days
        remaining = max(self.target.target - self.done, 0)
        return remaining / days if days > 0 else float(remaining)


def target_for(region: Region) -> RegionTarget | None:
    return db.session.execute(select(RegionTarget).filter_by(region_id=region.id)).scalar()


@service
def set_target(actor: User, region: Region, target: int, due_on: date) -> RegionTarget:
    """Admins anywhere, cell heads in their own subtree."""
    if not may(actor, "set_targets", region):
        raise TargetError(_l("You may not set targets for this region."))
    if target < 1:
        raise TargetError(_l("The target must be 1 or more."))
    if due_on <= local_today():
        raise TargetError(_l("Choose a due date after today."))
    row = target_for(region) or RegionTarget(region_id=region.id, set_by_id=actor.id)
    row.target, row.due_on, row.set_by_id = target, due_on, actor.id
    db.session.add(row)
    return row


def _day(column):
    """The programme's calendar day of a stored moment, on SQLite and PostgreSQL."""
    if db.engine.dialect.name == "sqlite":
        return func.date(column, f"{utc_offset_minutes():+d} minutes")
    return cast(func.timezone(current_app.config["BABEL_DEFAULT_TIMEZONE"], column), Date)


def _cumulative(column, region: Region) -> list[tuple[date, int]]:
    """Running totals per day of a milestone among the region's sahayaks (one query)."""
    subtree = region_ids_under(region)
    day = _day(column).label("day")
    query = (
        select(day, func.count())
        .where(User.is_learner, User.region_id.in_(subtree), column.is_not(None))
        .group_by(day)
        .order_by(day)
    )
    total, points = 0, []
    for value, count in db.session.execute(query):
        total += count
        points.append((value if isinstance(value, date) else date.fromisoformat(value), total))
    return points


def burn_up(region: Region) -> BurnUp:
    """The burn-up of a region: completions and certificates over time, with its target."""
    return BurnUp(
        target_for(region), _cumulative(User.completed_at, region), _cumulative(User.certified_at, region)
    )


def chart(data: BurnUp) -> dict:
    """SVG geometry: x is time from the first completion to the due date (or today), y the count."""
    points = data.completed + data.certified
    end = max([data.today, *(day for day, _ in points)] + ([data.target.due_on] if data.target else []))
    # At least MIN_DAYS wide: everything on one day would otherwise be one vertical line.
    start = min([end - timedelta(days=MIN_DAYS), *(day for day, _ in points)])
    top = max([1, *(count for _, count in points)] + ([data.target.target] if data.target else []))
    span = max((end - start).days, 1)

    def x(day: date) -> float:
        return round(LEFT + (WIDTH - LEFT) * (day - start).days / span, 1)

    def y(count: float) -> float:
        return round(HEIGHT - BOTTOM - (HEIGHT - BOTTOM - 8) * count / top, 1)

    def line(series: list[tuple[date, int]]) -> str:
        steps = [(start, 0), *series, (data.today, series[-1][1])] if series else []
        return " ".join(f"{x(day)},{y(count)}" for day, count in steps)

    geometry = {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "bottom": HEIGHT - BOTTOM, "top": top,
        "completed": line(data.completed), "certified": line(data.certified),
        "today_x": x(data.today), "start": start, "end": end,
    }  # fmt: skip
    if data.target:
        geometry |= {"target_y": y(data.target.target), "due_x": x(data.target.due_on)}
        geometry["pace_line"] = (
            f"{x(data.today)},{y(data.done)} {x(data.target.due_on)},{y(data.target.target)}"
        )
    return geometry
