"""One budget of CSV uploads per account, shared by every form that registers people from a
file (people, batch members): validating a file says which of its rows are acceptable, so
uploads are not a way to test numbers at speed (IMPORT_LIMIT_PER_ACCOUNT)."""

from flask import current_app
from flask_login import current_user

from lms.extensions import limiter


def account_key() -> str:
    """Rate-limit key: the signed-in account, whatever the address or the browser."""
    return f"imports:{current_user.get_id()}"


imports_budget = limiter.shared_limit(
    lambda: current_app.config["IMPORT_LIMIT_PER_ACCOUNT"],
    scope="imports",
    key_func=account_key,
    methods=["POST"],
)
