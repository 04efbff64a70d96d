"""What the tests against real gunicorn servers share: a stdlib browser (cookies, CSRF tokens,
redirects not followed) and seeding a database before a server starts on it."""

import copy
import http.cookiejar
import re
import secrets
import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import Message
from html import unescape

from flask_migrate import upgrade

from lms import create_app
from lms.auth.models import Region, Role, User
from lms.auth.services import hash_password
from lms.courses.parser import parse_course
from lms.courses.services import publish
from lms.extensions import db
from tests.conftest import PASSWORD, csrf_token_from, dispose
from tests.courses.samples import course_files

TIMEOUT = 30
LESSON = "/courses/safe-accounts/lessons/phishing"  # the sample course's lesson with one open quiz
LIMITED = "/courses/safe-accounts/lessons/passwords"  # its lesson whose quiz allows 3 attempts


@dataclass
class Reply:
    """An HTTP answer as received: status, headers, body text."""

    status: int
    headers: Message
    text: str

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")


class _AsReceived(urllib.request.HTTPErrorProcessor):
    """Hand back every response unchanged: redirects are not followed, errors not raised."""

    def http_response(self, request, response):
        return response


class Browser:
    """One visitor's cookie jar; the jar is shared by every server on 127.0.0.1, as behind a
    load balancer."""

    def __init__(self, timeout: float = TIMEOUT) -> None:
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _AsReceived()
        )

    def get(self, url: str) -> Reply:
        return self._open(url)

    def post(self, url: str, data: dict | list) -> Reply:
        return self._open(url, urllib.parse.urlencode(data, doseq=True).encode())

    def download(self, url: str) -> bytes:
        """The body of a 200 answer as bytes (a PDF, a ZIP)."""
        assert url.startswith("http://127.0.0.1:"), url
        request = urllib.request.Request(url)  # noqa: S310 (a local test server)
        with self._opener.open(request, timeout=self.timeout) as response:
            assert response.status == 200, (url, response.status)
            return response.read()

    def upload(self, url: str, fields: dict[str, str], name: str, filename: str, content: bytes) -> Reply:
        """POST a form with one file, as multipart/form-data."""
        boundary = f"----lms{secrets.token_hex(12)}"
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
            for key, value in fields.items()
        ]
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self._open(url, body, f"multipart/form-data; boundary={boundary}")

    def _open(self, url: str, body: bytes | None = None, content_type: str | None = None) -> Reply:
        assert url.startswith("http://127.0.0.1:"), url
        request = urllib.request.Request(url, data=body)  # noqa: S310 (a local test server)
        if content_type:
            request.add_header("Content-Type", content_type)
        with self._opener.open(request, timeout=self.timeout) as response:
            return Reply(response.status, response.headers, response.read().decode("utf-8"))

    def sign_in(self, server: str, phone: str, password: str = PASSWORD) -> Reply:
        """Fill in the sign-in form with its CSRF token."""
        token = csrf_token_from(self.get(server + "/login").text)
        return self.post(server + "/login", {"phone": phone, "password": password, "csrf_token": token})

    def cookie_header(self) -> str:
        """The Cookie header this browser would send, for another load generator."""
        return "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.cookies)

    def twin(self) -> "Browser":
        """Another browser with a copy of these cookies: the same sign-in, its own session."""
        other = Browser(self.timeout)
        for cookie in self.cookies:
            other.cookies.set_cookie(copy.copy(cookie))
        return other


def quiz_form(html: str) -> dict[str, str]:
    """The one quiz form on a lesson page, filled in with the first option of each question."""
    token = re.search(r'name="token" value="([^"]+)"', html)
    assert token, "the lesson shows no quiz form"
    answers: dict[str, str] = {}
    for name, value in re.findall(r'type="radio" name="(q\d+)" value="([^"]+)"', html):
        answers.setdefault(name, value)
    return {"token": unescape(token.group(1)), **answers}


def attempt_id(reply: Reply) -> int | None:
    """The attempt a quiz submission was recorded as, if it was (302 to /attempts/<id>)."""
    match = re.fullmatch(r"/attempts/(\d+)", reply.location)
    return int(match.group(1)) if reply.status == 302 and match else None


def submit_all_at_once(urls: list[str], browser: Browser, forms: list[dict]) -> list[Reply]:
    """Each form posted to /quizzes/submit of the next server in turn, all at the same moment,
    each from its own copy of the browser's sign-in."""
    start_line, replies = threading.Barrier(len(forms)), []

    def post(url: str, form: dict) -> None:
        twin = browser.twin()
        start_line.wait(timeout=60)
        replies.append(twin.post(url + "/quizzes/submit", form))

    threads = [
        threading.Thread(target=post, args=(urls[n % len(urls)], form)) for n, form in enumerate(forms)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(replies) == len(forms), "a submission got no answer"
    return replies


@contextmanager
def seeding(settings: dict[str, str]) -> Iterator[None]:
    """An app on the servers' settings, its schema migrated; its connections closed after."""
    app = create_app(dict(settings))
    try:
        with app.app_context():
            upgrade()
            yield
    finally:
        dispose(app)


def add_people(count: int, first_phone: int, region: Region, role: Role = Role.SAHAYAK) -> list[User]:
    """`count` people with consecutive phone numbers and the tests' password, committed."""
    password_hash = hash_password(PASSWORD)
    people = [
        User(phone=str(first_phone + n), name=f"{role} {n:03d}", role=str(role), region=region, lang="en")
        for n in range(count)
    ]
    for person in people:
        person.password_hash = password_hash
    db.session.add_all(people)
    db.session.commit()
    return people


def publish_sample_course():
    """The sample course of tests/courses/samples.py, live as version 1."""
    return publish(parse_course("safe-accounts", course_files()), None, "cli").version
