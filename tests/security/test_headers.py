"""Security headers on every response: every route of the access matrix as an anonymous
visitor and as one who may use it, error pages (400, 403, 404, 405, 413, 429, 500) and
static files."""

import io

import pytest

from tests.conftest import AuthActions
from tests.test_access import MATRIX

STRICT_REFERRERS = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as {directive: sources}."""
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def assert_secure(response, where: str) -> None:
    """CSP without inline or eval script, no framing, no sniffing, a strict referrer policy."""
    headers = response.headers
    policy = directives(headers.get("Content-Security-Policy", ""))
    assert policy.get("default-src") == ["'self'"], where
    assert policy.get("script-src") == ["'self'"] and policy.get("object-src") == ["'none'"], where
    assert policy.get("frame-ancestors") == ["'none'"] and policy.get("base-uri") == ["'none'"], where
    assert policy.get("form-action") == ["'self'"], where
    assert not any(
        "unsafe" in source or source == "*" for sources in policy.values() for source in sources
    ), where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") in STRICT_REFERRERS, where
    # Pages, PDFs, sheets and CSV show personal data and one-time passwords: never stored
    # (issue 15, finding 9: downloads said no-cache, CSV exports nothing); only the versioned
    # static files and course images, the same for everyone, are kept.
    cache = headers.get("Cache-Control", "")
    public = response.request.path.startswith("/static/") and response.status_code == 200
    assert "no-store" in cache or public or ("immutable" in cache and response.status_code == 200), where


def permitted_visitor(outcomes: dict) -> str:
    """The visitor this route serves: the first one answered 200, else a redirect."""
    order = ("admin", "cell_head_in_scope", "trainer", "sahayak", "anonymous")
    return next((v for code in (200, 302) for v in order if outcomes[v] == code), "admin")


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_every_route_sends_the_headers(endpoint, client, auth, visitors, routes):
    route = routes(endpoint)
    visitor = permitted_visitor(MATRIX[endpoint][2])
    with client.open(route.url, method=route.method, query_string=route.query, data=route.form) as response:
        assert_secure(response, f"{route.method} {route.url} anonymous")
    if visitors[visitor] is not None:
        auth.login(visitors[visitor])
        with client.open(
            route.url, method=route.method, query_string=route.query, data=route.form
        ) as response:
            assert response.status_code == MATRIX[endpoint][2][visitor]  # as the access matrix says
            assert_secure(response, f"{route.method} {route.url} {visitor}")


def test_static_files_and_client_errors_send_the_headers(app, client, auth, world):
    responses = {
        "static": client.get("/static/style.css"),
        "versioned static": client.get("/static/style.css", query_string={"v": "0123456789"}),
        "font": client.get("/static/fonts/NotoSans-Regular.ttf"),
        "missing static": client.get("/static/nope.css"),
        "404": client.get("/no-such-page"),
        "405": client.get("/logout"),
        "400 (quiz token)": client.post("/quizzes/submit", data={"token": "forged"}),
    }
    auth.login(world.sahayak_kol)
    responses["403"] = client.get("/people/")
    app.config["WTF_CSRF_ENABLED"] = True
    responses["400 (CSRF)"] = client.post("/language", data={"lang": "bn"})
    expected = {
        "static": 200,
        "versioned static": 200,
        "font": 200,
        "missing static": 404,
        "404": 404,
        "405": 405,
    }
    expected |= {"400 (quiz token)": 400, "403": 403, "400 (CSRF)": 400}
    for name, response in responses.items():
        with response:
            assert response.status_code == expected[name], name
            assert_secure(response, name)


def test_too_large_too_many_and_server_errors_send_the_headers(make_app, make_user, make_region):
    app = make_app(MAX_CONTENT_LENGTH=1024, VERIFY_LIMIT_PER_ADDRESS="1 per minute")

    @app.get("/boom")
    def boom():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    with app.app_context():
        head = make_user("cell_head", region=make_region(kind="state"))
        client = app.test_client()
        AuthActions(client).login(head)
        big = {"file": (io.BytesIO(b"x" * 5000), "people.csv")}
        responses = {413: client.post("/people/import", data=big), 500: client.get("/boom")}
        client.get("/verify?code=DS-2026-000001")
        responses[429] = client.get("/verify?code=DS-2026-000002")
        for code, response in responses.items():
            assert response.status_code == code
            assert_secure(response, str(code))
