"""No URL or query value is a 500 (issue 15, finding 7): every route of the URL map, with every
path parameter and every query parameter the code reads set to huge, negative, non-ASCII and
CR/LF values, by an anonymous visitor, a sahayak and an admin."""

import ast
import re
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from lms.extensions import db

LMS = Path(__file__).resolve().parents[2] / "lms"
HOSTILE = {
    "huge": "9" * 30,
    "2**63": str(2**63),
    "2**31": str(2**31),
    "negative": "-5",
    "zero": "0",
    "non-ASCII": "কলকাতা\u202eगाँव",
    "CR/LF": "/a\r\nSet-Cookie: x=1",
    "NUL": "a\x00b",
}


def query_names() -> set[str]:
    """Every name the code reads with request.args.get(…) or request.args[…]."""
    names = set()
    for path in LMS.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in {"get", "getlist"}
                and ast.unparse(node.func.value) == "request.args"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(node.args[0].value)
    return names


def test_the_query_names_are_found():
    assert {"page", "batch", "next", "region", "q"} <= query_names()


def urls(app, value: str) -> list[tuple[str, str]]:
    """(method, URL) of every rule, each path parameter set to `value`, every query name too."""
    query = urlencode(dict.fromkeys(sorted(query_names()), value))
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in {"static", "auth.logout"}:  # signing out would end the visit half-way
            continue
        path = re.sub(r"<[^>]+>", quote(value, safe=""), rule.rule)
        for method in sorted(rule.methods & {"GET", "POST"}):
            found.append((method, f"{path}?{query}"))
    return found


@pytest.mark.parametrize("value", sorted(HOSTILE), ids=sorted(HOSTILE))
def test_no_hostile_url_value_is_a_server_error(value, app, client, auth, world, sample_course):
    errors = []
    for visitor in (None, world.sahayak_kol, world.admin):
        if visitor is not None:
            auth.login(visitor)
        for method, url in urls(app, HOSTILE[value]):
            response = client.open(
                url, method=method, data={"next": HOSTILE[value], "region_id": HOSTILE[value]}
            )
            if response.status_code >= 500:
                errors.append(f"{method} {url} as {visitor}: {response.status_code}")
            db.session.rollback()
        if visitor is not None:
            assert client.get("/progress").status_code == 200, "still signed in as the visitor"
        auth.logout()
    assert errors == []


@pytest.mark.parametrize(
    "target", ["/\r\nSet-Cookie: a=b", "/x\nLocation: //evil.example", "\\\\evil.example", "/ok\x7f"]
)
def test_a_bad_next_is_ignored_after_signing_in(target, client, auth, world):
    response = auth.login(world.sahayak_kol, query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    language = client.post("/language", data={"lang": "bn", "next": target})
    assert language.status_code == 302 and language.headers["Location"] == "/"
