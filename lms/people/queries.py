"""Read-only queries for the people pages."""

from contextlib import suppress

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import or_

from lms.auth.models import User
from lms.auth.permissions import users_in_scope
from lms.core.paging import escape_like
from lms.core.phones import PhoneError, normalise_phone
from lms.extensions import db


def people_page(actor: User, search: str, page: int) -> Pagination:
    """One page of the people the actor may see, optionally filtered."""
    query = users_in_scope(actor).order_by(User.name, User.id)
    if search:
        query = query.where(_matches(search))
    per_page = current_app.config["USERS_PER_PAGE"]
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def _matches(search: str):
    """Name contains the text, or the phone equals it once normalised."""
    conditions = [User.name.ilike(f"%{escape_like(search)}%", escape="\\")]
    with suppress(PhoneError):  # not a number: search by name only
        conditions.append(User.phone == normalise_phone(search))
    return or_(*conditions)
