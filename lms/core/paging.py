"""Pages of long lists: a count and one page of rows, so a list's HTML and its queries stay
the same size however large the programme grows."""

from dataclasses import dataclass
from math import ceil

from sqlalchemy import Select, func, select

from lms.extensions import db


@dataclass
class Page:
    """One page of rows of a longer list (the attributes of Flask-SQLAlchemy's Pagination
    that the templates use, for queries of several columns too)."""

    items: list
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(query: Select, page: int, per_page: int, scalars: bool = False, total: int | None = None) -> Page:
    """Rows `per_page` at a time; a page number out of range gives the nearest page. `total`:
    the number of rows, when the caller already counted them."""
    if total is None:
        total = db.session.execute(
            select(func.count()).select_from(query.order_by(None).subquery())
        ).scalar_one()
    page = min(max(1, page), max(1, ceil(total / per_page)))
    result = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    return Page(list(result.scalars() if scalars else result), page, per_page, total)


def escape_like(text: str) -> str:
    """Typed text for a LIKE pattern, its wildcards taken literally (escape character \\)."""
    text = " ".join((text or "").split())[:100]
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
