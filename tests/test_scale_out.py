"""Two app instances on different ports, one PostgreSQL database and the Redis server at
127.0.0.1:6379, as deployed behind a load balancer: sign-in throttling counts across both;
quiz submissions and certificates issued on either agree; no duplicate serial numbers when
both issue at once.

Always on a PostgreSQL database of its own, created and dropped here, so both CI passes run
the same test."""

import os
import re
import secrets
import threading
from dataclasses import dataclass

import psycopg
import pytest
import redis
from psycopg import sql

from lms.auth.models import Role
from lms.extensions import db
from tests.conftest import add_region, csrf_token_from
from tests.livehttp import (
    LESSON,
    LIMITED,
    Browser,
    add_people,
    attempt_id,
    publish_sample_course,
    quiz_form,
    seeding,
    submit_all_at_once,
)
from tests.servers import Server, start

pytestmark = pytest.mark.live

POSTGRES = "postgresql://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/0"
LOGIN_LIMIT = 5  # sign-in attempts per number
ELIGIBLE = 40  # sahayaks waiting for a certificate
RACES = 5  # quiz forms sent to both instances at the same moment
HEADS, GRADUATES, LEARNER, GUESSED = 6000000001, 6100000000, 6200000000, 6300000000
RACER = 6400000000
FORMS = 24  # forms of a quiz with a 3-try limit, sent to both instances at once


@dataclass
class Deployment:
    """Two instances of the site and the database they share."""

    a: Server
    b: Server
    database: str  # a libpq connection string

    def query(self, statement: str, *params) -> list[tuple]:
        """Rows read straight from the shared database."""
        with psycopg.connect(self.database) as connection:
            return connection.execute(statement, params).fetchall()


@pytest.fixture(scope="module")
def database():
    """A PostgreSQL database for this module alone, dropped afterwards."""
    name = f"lms_scale_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (name,)
            )
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def limiter_prefix():
    """A Redis key prefix of this run's own, its keys deleted afterwards."""
    prefix = f"lms-scale-{os.getpid()}-{secrets.token_hex(4)}"
    yield prefix
    store = redis.Redis.from_url(REDIS)
    for key in store.scan_iter(f"*{prefix}*"):
        store.delete(key)
    store.close()


@pytest.fixture(scope="module")
def deployment(database, limiter_prefix, tmp_path_factory):
    """Seed the database, then start two instances on it sharing the secret key and Redis."""
    tmp = tmp_path_factory.mktemp("scale-out")
    settings = {
        "SQLALCHEMY_DATABASE_URI": f"postgresql+psycopg://postgres@127.0.0.1:5432/{database}",
        "SECRET_KEY": f"scale-out-{secrets.token_hex(16)}",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_STORAGE_URI": REDIS,
        "RATELIMIT_KEY_PREFIX": limiter_prefix,
        "LOGIN_LIMIT_PER_NUMBER_AND_ADDRESS": f"{LOGIN_LIMIT} per 15 minutes",
        "LOGIN_LIMIT_PER_ADDRESS": "1000 per 15 minutes",  # every visitor here is 127.0.0.1
        # Issue in the request, so both instances race on the serial counter themselves (two
        # job workers racing are tested in tests/jobs/test_workers.py).
        "JOBS_INLINE_MAX": ELIGIBLE,
    }
    seed(settings | {"INSTANCE_PATH": str(tmp / "seed")})
    a = start(settings | {"INSTANCE_PATH": str(tmp / "a")}, tmp / "a.log")
    try:
        b = start(settings | {"INSTANCE_PATH": str(tmp / "b")}, tmp / "b.log")
    except BaseException:
        a.stop()
        raise
    try:
        yield Deployment(a, b, f"{POSTGRES}/{database}")
    finally:
        a.stop()
        b.stop()
    for log in (a.log, b.log):
        assert "Traceback" not in log.read_text(), log.read_text()


def seed(settings: dict[str, str]) -> None:
    """Two Kolkata cell heads, sahayaks who completed the course, a learner, two guessed numbers."""
    from tests.certificates.conftest import complete  # as test_access does: a conftest, imported late

    with seeding(settings):
        state = add_region("WB", kind="state")
        kolkata, darjeeling = add_region("WB-KOL", state), add_region("WB-DAR", state)
        booth = add_region("B-KOL-1", kolkata, kind="booth")
        db.session.commit()
        version = publish_sample_course()
        add_people(2, HEADS, kolkata, Role.CELL_HEAD)
        for graduate in add_people(ELIGIBLE, GRADUATES, booth):
            complete(graduate, version)
        add_people(1, LEARNER, darjeeling)
        add_people(2, GUESSED, darjeeling)
        add_people(1, RACER, darjeeling)


def failed_sign_ins_let_through(servers: list[Server], phone: str) -> int:
    """Wrong passwords for one number, taking turns over `servers`, until one is refused (429):
    how many were checked before that."""
    for tried in range(LOGIN_LIMIT * 3):
        reply = Browser().sign_in(servers[tried % len(servers)].url, phone, "wrong-password")
        if reply.status == 429:
            assert "Too many attempts" in reply.text
            return tried
        assert reply.status == 200 and "Wrong mobile number or password." in reply.text
    raise AssertionError(f"{LOGIN_LIMIT * 3} wrong passwords were never refused")


def test_sign_in_throttling_counts_across_both_instances(deployment):
    a, b = deployment.a, deployment.b
    assert failed_sign_ins_let_through([a], str(GUESSED)) == LOGIN_LIMIT  # one instance
    assert failed_sign_ins_let_through([a, b], str(GUESSED + 1)) == LOGIN_LIMIT  # taking turns
    for server in (a, b):  # refused everywhere now, even with the right password
        assert Browser().sign_in(server.url, str(GUESSED + 1)).status == 429
    assert Browser().sign_in(b.url, str(LEARNER)).status == 302  # other numbers are not affected


def submit_on_both_at_once(deployment: Deployment, browser: Browser, form: dict) -> set[int | None]:
    """The same form posted to both instances at the same moment (a double tap across them)."""
    start_line, answers = threading.Barrier(2), []

    def post(server: Server) -> None:
        twin = browser.twin()
        start_line.wait(timeout=30)
        answers.append(attempt_id(twin.post(server.url + "/quizzes/submit", form)))

    threads = [threading.Thread(target=post, args=(server,)) for server in (deployment.a, deployment.b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 2
    return set(answers)


def test_quiz_submissions_from_either_instance_agree(deployment):
    a, b = deployment.a, deployment.b
    browser = Browser()
    assert browser.sign_in(a.url, str(LEARNER)).status == 302
    form = quiz_form(browser.get(a.url + LESSON).text)
    first = attempt_id(browser.post(b.url + "/quizzes/submit", form))  # opened on A, sent to B
    assert first is not None
    assert browser.get(f"{a.url}/attempts/{first}").status == 200
    assert attempt_id(browser.post(a.url + "/quizzes/submit", form)) == first  # a resubmission on A
    raced = [
        submit_on_both_at_once(deployment, browser, quiz_form(browser.twin().get(b.url + LESSON).text))
        for _ in range(RACES)
    ]
    assert all(len(answers) == 1 and None not in answers for answers in raced)
    [(user_id,)] = deployment.query('SELECT id FROM "user" WHERE phone = %s', str(LEARNER))
    [(attempts, tokens)] = deployment.query(
        "SELECT count(*), count(DISTINCT token) FROM attempt WHERE user_id = %s", user_id
    )
    assert attempts == tokens == 1 + RACES
    progress = deployment.query("SELECT attempts FROM quiz_progress WHERE user_id = %s", user_id)
    assert progress == [(1 + RACES,)]


def test_forms_sent_at_once_to_both_instances_record_no_more_attempts_than_the_limit(deployment):
    a, b = deployment.a, deployment.b
    browser = Browser()
    assert browser.sign_in(a.url, str(RACER)).status == 302
    forms = [quiz_form(browser.twin().get(a.url + LIMITED).text) for _ in range(FORMS)]
    replies = submit_all_at_once([a.url, b.url], browser, forms)
    assert all(reply.status == 302 for reply in replies), [reply.status for reply in replies]
    assert sum(reply.location.startswith("/attempts/") for reply in replies) == 3
    [(user_id,)] = deployment.query('SELECT id FROM "user" WHERE phone = %s', str(RACER))
    assert deployment.query("SELECT count(*) FROM attempt WHERE user_id = %s", user_id) == [(3,)]
    assert deployment.query("SELECT attempts FROM quiz_progress WHERE user_id = %s", user_id) == [(3,)]


def issue_all(server: Server, browser: Browser, start_line: threading.Barrier, outcomes: list) -> None:
    """Press "Issue to all shown" on the certificates page, together with the other instance;
    note the reply and the page it leads to."""
    page = browser.get(server.url + "/certificates/")
    assert f"Issue to all {ELIGIBLE} shown" in page.text
    token = csrf_token_from(page.text)
    start_line.wait(timeout=30)
    reply = browser.post(
        server.url + "/certificates/issue", {"csrf_token": token, "all": "1", "confirmed": "1"}
    )
    outcomes.append((reply, browser.get(server.url + reply.location).text if reply.status == 302 else ""))


def flashed_count(page: str, message: str) -> int:
    """The number in a flashed message such as "3 certificates issued." (0 if not shown)."""
    match = re.search(r"(\d+) " + re.escape(message), page)
    return int(match.group(1)) if match else 0


def test_both_instances_issuing_at_once_give_one_certificate_each_with_gapless_serials(deployment):
    servers, heads = (deployment.a, deployment.b), (Browser(), Browser())
    for server, head, phone in zip(servers, heads, (HEADS, HEADS + 1), strict=True):
        assert head.sign_in(server.url, str(phone)).status == 302  # one cell head on each instance
    start_line, outcomes = threading.Barrier(2), []
    threads = [
        threading.Thread(target=issue_all, args=(server, head, start_line, outcomes))
        for server, head in zip(servers, heads, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == 2
    assert all((reply.status, reply.location) == (302, "/certificates/") for reply, _ in outcomes)
    # Each person was issued once, by one instance or the other; the other skipped them (or
    # no longer listed them).
    assert sum(flashed_count(page, "certificates issued.") for _, page in outcomes) == ELIGIBLE
    skipped = sum(flashed_count(page, "were skipped: already certified") for _, page in outcomes)
    assert skipped <= ELIGIBLE

    [(year, last)] = deployment.query("SELECT year, last FROM serial_counter")
    valid = deployment.query(
        "SELECT serial, user_id, course_id FROM certificate WHERE revoked_at IS NULL ORDER BY serial"
    )
    assert [serial for serial, *_ in valid] == [f"DS-{year}-{n:06d}" for n in range(1, ELIGIBLE + 1)]
    assert last == ELIGIBLE
    completed = set(deployment.query("SELECT user_id, course_id FROM completion"))
    assert {(user, course) for _, user, course in valid} == completed and len(completed) == ELIGIBLE
    assert deployment.query("SELECT count(*) FROM certificate") == [(ELIGIBLE,)]
    assert deployment.query('SELECT count(*) FROM "user" WHERE certified_at IS NOT NULL') == [(ELIGIBLE,)]
    issues = deployment.query("SELECT count(*) FROM audit_event WHERE action = 'certificate.issue'")
    assert issues == [(ELIGIBLE,)]


def test_signing_out_on_one_instance_ends_the_sign_in_on_both(deployment):
    """Issue 15, finding 1: a copied cookie outlived sign-out; sign-ins now live in the shared
    database, so ending one on either instance ends it on both."""
    a, b = deployment.a, deployment.b
    owner = Browser()
    assert owner.sign_in(a.url, str(LEARNER)).status == 302
    thief = owner.twin()
    assert thief.get(b.url + "/progress").status == 200
    token = csrf_token_from(owner.get(b.url + "/password").text)
    assert owner.post(b.url + "/logout", {"csrf_token": token}).status == 302
    for server in (a, b):
        assert thief.get(server.url + "/progress").status == 302  # back to the sign-in page

    phone, laptop = Browser(), Browser()
    assert phone.sign_in(a.url, str(LEARNER)).status == 302
    assert laptop.sign_in(b.url, str(LEARNER)).status == 302
    token = csrf_token_from(laptop.get(b.url + "/sign-ins").text)
    assert laptop.post(b.url + "/sign-ins/end-others", {"csrf_token": token}).status == 302
    assert phone.get(a.url + "/progress").status == 302 and phone.get(b.url + "/progress").status == 302
    assert laptop.get(a.url + "/progress").status == 200
