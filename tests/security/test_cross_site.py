"""Another site's requests (issue 25, finding 12): a form posted from elsewhere, which SameSite
sends without the visitor's cookies, no longer replaces their session cookie (a forced
sign-out); a refused quiz form sends the browser back only to a page of this site."""

import pytest

from tests.conftest import PASSWORD

CROSS_SITE = [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}]


def session_cookie_set(response, app) -> bool:
    name = app.config["SESSION_COOKIE_NAME"]
    return any(header.startswith(f"{name}=") for header in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("headers", CROSS_SITE, ids=["Origin", "Sec-Fetch-Site"])
@pytest.mark.parametrize("path", ["/login", "/logout", "/language", "/quizzes/submit"])
def test_a_cross_site_post_without_cookies_sets_no_session_cookie(path, headers, app, world):
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post(
        path, data={"phone": world.sahayak_kol.phone, "lang": "bn"}, headers=headers
    )
    assert response.status_code in (302, 400)
    assert not session_cookie_set(response, app)


def test_a_post_from_this_site_without_a_cookie_still_gets_one(app, world):
    """Quiz answers sent after the session ended are kept in a new session until sign-in."""
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post("/login", data={"phone": "x"}, headers={"Origin": "http://localhost"})
    assert session_cookie_set(response, app)  # the form's error page carries a new CSRF token


def test_a_cross_site_request_with_the_cookie_is_answered_as_usual(app, client, auth, world):
    """A top-level GET from another site's link carries the cookie (SameSite=Lax): nothing changes."""
    auth.login(world.sahayak_kol)
    response = client.get("/progress", headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("referrer", "back"),
    [
        ("https://evil.example/phish", "/"),
        ("http://localhost.evil.example/courses/", "/"),
        ("javascript:alert(1)", "/"),
        (
            "http://localhost/courses/safe-accounts/lessons/phishing?x=1",
            "/courses/safe-accounts/lessons/phishing?x=1",
        ),
        ("", "/"),
    ],
)
def test_a_refused_quiz_form_goes_back_only_to_this_sites_pages(
    referrer, back, client, auth, world, sample_course
):
    auth.login(world.sahayak_kol, PASSWORD)
    response = client.post("/quizzes/submit", data={"token": "not-a-token"}, headers={"Referer": referrer})
    assert response.status_code == 302 and response.headers["Location"] == back
