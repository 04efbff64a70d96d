"""No form value is a 500 (issue 25): every POST route, sent as the person who may send it, its
valid form with each field in turn — and then every field at once — set to a superscript digit,
numbers too large for either database, 5,000 digits, non-finite numbers, invisible and bidi
characters, CR/LF and long text. The POST counterpart of test_fuzz_urls.py; on SQLite and on
PostgreSQL (the suite runs on both)."""

import ast
from pathlib import Path

import pytest
from sqlalchemy import update

from lms.auth.models import User
from lms.extensions import db
from tests.conftest import PASSWORD, AuthActions
from tests.security.test_csrf import VALID_POSTS, post_endpoints

LMS = Path(__file__).resolve().parents[2] / "lms"
HOSTILE = {
    "superscript": "²",
    "superscript pair": "²:1",
    "huge": "9" * 30,
    "3e9": "3000000000",
    "5,000 digits": "9" * 5000,
    "negative": "-5",
    "infinity": "Infinity",
    "1e999": "1e999",
    "bidi, invisible, CR/LF": "\u202egnp.exe\u200b\ufeff\u3164\r\nSet-Cookie: x=1",
    "long": "অ" * 100_000,
}
# Signing out would end the visit half-way; the quiz form is fuzzed with its token below.
SKIPPED = {"auth.logout", "learning.submit"}


def form_names(module: str) -> set[str]:
    """Every name a module's code reads with request.form.get(…)/getlist(…), besides the
    fields of its WTForms forms."""
    names = set()
    path = LMS.parent.joinpath(*module.split(".")).with_suffix(".py")
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"get", "getlist"}
            and ast.unparse(node.func.value) == "request.form"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names


def test_the_form_names_are_found():
    assert {"pair", "all", "confirmed"} <= form_names("lms.certificates.views")
    assert {"action", "decided", "fingerprint"} <= form_names("lms.courses.views")


def forms(valid, context: dict, names: set[str], value: str) -> list[dict]:
    """The valid form with each of its fields and `names` in turn set to `value`; each of them
    alone (a field the others would make the view skip: `pair` beside `all`); every one at once."""
    names = sorted(set(valid.form(context)) | names)
    one_at_a_time = [valid.form(context) | {name: value} for name in names]  # fresh file objects each
    alone = [{name: value} for name in names]
    return [*one_at_a_time, *alone, dict.fromkeys(names, value)]


PEOPLE = (User.id, User.password_hash, User.active, User.must_change_password, User.password_expires_at)


def people() -> list[tuple]:
    """What a form may change about who signs in how."""
    return [tuple(row) for row in db.session.execute(db.select(*PEOPLE).order_by(User.id))]


def restore(rows: list[tuple]) -> None:
    """Everyone as before, whatever the last form did to them."""
    for user_id, password_hash, active, must_change, expires in rows:
        values = {"password_hash": password_hash, "active": active, "must_change_password": must_change}
        db.session.execute(
            update(User).where(User.id == user_id).values(password_expires_at=expires, **values)
        )
    db.session.commit()


@pytest.mark.parametrize("endpoint", sorted(set(post_endpoints()) - SKIPPED))
def test_no_hostile_form_value_is_a_server_error(endpoint, app, world, visitors, sample_course, routes):
    valid, route = VALID_POSTS[endpoint], routes(endpoint)
    valid.prepare(world, sample_course)
    names = form_names(app.view_functions[endpoint].__module__)
    before, errors, client = people(), [], None
    for label, value in HOSTILE.items():
        for data in forms(valid, route.context, names, value):
            if client is None:  # a fresh browser, signed in as the one who may send the form
                client = app.test_client()
                if visitors[valid.visitor] is not None:
                    assert AuthActions(client).login(visitors[valid.visitor], PASSWORD).status_code == 302
            response = client.post(route.url, query_string=route.query, data=data)
            if response.status_code >= 500:
                fields = sorted(name for name in data if data[name] is value)
                errors.append(
                    f"POST {route.url} as {valid.visitor}, {label} in {fields}: {response.status_code}"
                )
            db.session.rollback()
            if people() != before:  # a password, a deactivation: as before, from a fresh browser
                restore(before)
                client = None
    assert errors == []


@pytest.mark.parametrize("value", sorted(HOSTILE), ids=sorted(HOSTILE))
def test_no_hostile_quiz_answer_is_a_server_error(value, client, auth, world, sample_course):
    from tests.learning.quizzing import form_of, right_answers

    auth.login(world.sahayak_kol)
    page = client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True)
    token, _ = form_of(page, "safe-password")
    for name in right_answers("safe-password"):
        response = client.post("/quizzes/submit", data={"token": token, name: HOSTILE[value]})
        assert response.status_code == 302, (name, response.status_code)
