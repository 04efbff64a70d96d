"""The lesson page, the page sahayaks open most: a fixed, small number of statements, the
right neighbours, and no session cookie re-sent on every view (issue 17)."""

from lms.courses.parser import parse_course
from lms.courses.services import publish
from tests.courses.samples import LESSON_ONE, LESSON_TWO, course_files
from tests.queries import statements


def test_a_lesson_page_takes_four_statements_and_reading_it_again_writes_nothing(client, learner):
    client.get("/courses/safe-accounts/lessons/passwords")  # the first visit marks it read
    sent = statements(lambda: client.get("/courses/safe-accounts/lessons/passwords"))
    # The user, the live version with the read mark, the progress, and whether they lead a
    # batch (the menu's "Batches": issue 26, the header kept per role showed one sahayak's).
    assert len(sent) == 4, sent
    assert not [statement for statement in sent if not statement.lstrip().upper().startswith("SELECT")]


def test_neighbours_skip_gaps_in_the_lesson_numbers(client, learner, app):
    files = course_files(
        **{
            "02-phishing.md": None,
            "05-phishing.md": LESSON_TWO,
            "10-extra.md": "---\ntitle: Extra\n---\nMore.\n",
        }
    )
    publish(parse_course("safe-accounts", files), None, "cli")
    page = client.get("/courses/safe-accounts/lessons/phishing").get_data(as_text=True)
    assert 'rel="prev" href="/courses/safe-accounts/lessons/passwords"' in page
    assert 'rel="next" href="/courses/safe-accounts/lessons/extra"' in page
    last = client.get("/courses/safe-accounts/lessons/extra").get_data(as_text=True)
    assert 'rel="next"' not in last and 'href="/courses/safe-accounts/"' in last


def test_an_unchanged_session_is_not_sent_again(client, learner):
    first = client.get("/courses/safe-accounts/lessons/passwords")  # a new quiz token: the session changed
    assert "session=" in first.headers.get("Set-Cookie", "")
    again = client.get("/courses/safe-accounts/lessons/passwords")
    assert again.status_code == 200 and "Set-Cookie" not in again.headers
    assert "Set-Cookie" not in client.get("/healthz").headers


def test_the_cookie_expiry_slides_when_the_sign_in_is_marked_seen(client, learner, app):
    from datetime import timedelta

    from lms.auth.models import SignIn
    from lms.core.clock import utcnow
    from lms.extensions import db

    client.get("/healthz")
    for sign_in in db.session.execute(db.select(SignIn)).scalars():
        sign_in.last_seen_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    response = client.get("/healthz")
    assert "Expires=" in response.headers.get("Set-Cookie", "")


def test_a_republished_lesson_shows_at_once_and_an_unpublished_course_is_gone(client, learner, world):
    from lms.courses.services import find_course, unpublish

    assert "Passwords" in client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True)
    renamed = course_files(
        **{"01-passwords.md": LESSON_ONE.replace("title: Passwords", "title: Pass phrases")}
    )
    publish(parse_course("safe-accounts", renamed), None, "cli")
    page = client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True)
    assert "Pass phrases" in page and "<h1>Passwords</h1>" not in page
    unpublish(world.admin, find_course("safe-accounts"))
    assert client.get("/courses/safe-accounts/lessons/passwords").status_code == 404


def test_the_kept_menu_carries_each_sessions_own_csrf_token(app, world, make_user):
    from tests.conftest import PASSWORD, AuthActions, csrf_token_from

    app.config["WTF_CSRF_ENABLED"] = True
    pages = []
    for person in (world.sahayak_kol, make_user(region=world.booth)):
        browser = app.test_client()
        token = csrf_token_from(browser.get("/login").get_data(as_text=True))
        browser.post("/login", data={"phone": person.phone, "password": PASSWORD, "csrf_token": token})
        html = browser.get("/").get_data(as_text=True)
        menu = html.split('aria-label="Main menu"', 1)[1]
        menu_token = csrf_token_from(menu)
        assert menu_token == csrf_token_from(html)  # the language form's, of this session
        pages.append(menu_token)
        assert browser.post("/logout", data={"csrf_token": menu_token}).status_code == 302
        assert browser.get("/").status_code == 302  # signed out
    assert pages[0] != pages[1]
    app.config["WTF_CSRF_ENABLED"] = False
    head = app.test_client()
    AuthActions(head).login(world.head_kol)
    assert ">Dashboard</a>" in head.get("/").get_data(as_text=True)


def test_a_session_keeps_one_signed_csrf_token_that_every_form_accepts(app, world):
    import re

    from tests.conftest import PASSWORD, csrf_token_from

    app.config["WTF_CSRF_ENABLED"] = True
    browser = app.test_client()
    token = csrf_token_from(browser.get("/login").get_data(as_text=True))
    browser.post("/login", data={"phone": world.sahayak_kol.phone, "password": PASSWORD, "csrf_token": token})
    first = browser.get("/").get_data(as_text=True)
    tokens = set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', first))
    assert len(tokens) == 1  # the language form's and the menu's sign-out, signed once
    form_page = browser.get("/password").get_data(as_text=True)  # a WTForms form after the header
    assert set(re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', form_page)) == tokens
    again = csrf_token_from(browser.get("/").get_data(as_text=True))
    assert {again} == tokens
    assert browser.post("/language", data={"lang": "hi", "next": "/", "csrf_token": again}).status_code == 302
    assert 'lang="hi"' in browser.get("/").get_data(as_text=True)


def test_the_kept_header_comes_back_to_each_pages_own_address(client, learner):
    page = client.get("/courses/safe-accounts/lessons/passwords?x=%3Cb%3E").get_data(as_text=True)
    assert 'name="next" value="/courses/safe-accounts/lessons/passwords?x=%3Cb%3E"' in page
    other = client.get("/courses/safe-accounts/").get_data(as_text=True)
    assert 'name="next" value="/courses/safe-accounts/"' in other


def test_shuffled_questions_show_each_learners_own_order(client, learner):
    """Questions are kept rendered per order: two attempts with other seeds see other orders,
    and a reload the same one."""
    import re

    assert "shuffle=true" in LESSON_ONE
    url = "/courses/safe-accounts/lessons/passwords"

    def order() -> list[str]:
        page = client.get(url).get_data(as_text=True)
        return re.findall(r'<input type="(?:radio|checkbox)" name="(q\d+)" value="([^"]+)"', page)

    first = order()
    assert first and order() == first  # a reload: the same token, the same order
    seen = {tuple(first)}
    for _ in range(12):  # a new attempt token each time: a new seed
        with client.session_transaction() as session:
            session.pop("quiz_tokens", None)
        seen.add(tuple(order()))
    assert len(seen) > 1
