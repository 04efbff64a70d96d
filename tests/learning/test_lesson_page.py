"""The lesson page, the page sahayaks open most: a fixed, small number of statements, the
right neighbours, and no session cookie re-sent on every view (issue 17)."""

from lms.courses.parser import parse_course
from lms.courses.services import publish
from tests.courses.samples import LESSON_TWO, course_files
from tests.queries import statements


def test_a_lesson_page_takes_five_statements_and_reading_it_again_writes_nothing(client, learner):
    client.get("/courses/safe-accounts/lessons/passwords")  # the first visit marks it read
    sent = statements(lambda: client.get("/courses/safe-accounts/lessons/passwords"))
    assert len(sent) == 5, sent  # the user, the lesson, its quizzes, the progress, the neighbours
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
    from lms.clock import utcnow
    from lms.extensions import db

    client.get("/healthz")
    for sign_in in db.session.execute(db.select(SignIn)).scalars():
        sign_in.last_seen_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    response = client.get("/healthz")
    assert "Expires=" in response.headers.get("Set-Cookie", "")
