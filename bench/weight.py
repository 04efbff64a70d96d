"""Page weight: bytes on the wire and requests for the login, course, lesson, quiz and result
pages, each a first visit (fresh Chromium context, empty cache, 360×640) to the real app
under gunicorn.

Bytes are counted by a TCP relay between Chromium and gunicorn: every byte of every
response (headers and body, as sent), including requests Chromium makes on its own such as
/favicon.ico, which Playwright's network events never report. Playwright's events give the
hosts of every request the page made, so a request to any other host fails the run.
BENCH_COURSE names the course folder (default digital-sahayak-bn)."""

import contextlib
import gzip
import os
import re
import socket
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from bench.fixtures import ROOT, bench_app
from lms.courses.kinds import KINDS
from lms.courses.services import check_folder, publish
from lms.demo.cli import REGIONS_CSV
from lms.extensions import db
from lms.people.regions import import_regions
from lms.people.services import check_person, create_user
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, sign_in
from tests.servers import running

COURSE = os.environ.get("BENCH_COURSE", "digital-sahayak-bn")
TARGET = 30_000  # bytes: "under 30 KB", with KB = 1,000 bytes (the stricter reading)
PHONE, PASSWORD = "9830000001", "bench-pass"
SETTINGS = ("SQLALCHEMY_DATABASE_URI", "SECRET_KEY", "INSTANCE_PATH", "PASSWORD_HASH_METHOD")
REQUEST_LINE = re.compile(rb"^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) (\S+) HTTP/1\.[01]\r\n")
QUIET = 0.6  # seconds without a byte on the wire before a page counts as finished


@dataclass
class Exchange:
    """One request and its response as they crossed the relay."""

    phase: str
    method: str
    path: str
    sent: int = 0
    response: bytearray = field(default_factory=bytearray)  # exactly as it came from the server

    @property
    def received(self) -> int:
        return len(self.response)

    @property
    def head(self) -> int:
        """Bytes of the status line and headers."""
        return self.response.find(b"\r\n\r\n") + 4

    @property
    def status(self) -> str:
        return self.response[9:12].decode(errors="replace") or "-"

    @property
    def gzipped(self) -> int:
        """About what it would weigh behind nginx as deployed (`gzip on` for HTML and CSS,
        level 1): the same headers, the body compressed."""
        head = self.response[: self.head].lower()
        if not re.search(rb"^content-type: text/(html|css)", head, re.MULTILINE):
            return self.received
        return self.head + len(gzip.compress(bytes(self.response[self.head :]), compresslevel=1))


@dataclass
class Plan:
    """The published course: its slug, lessons in order, which have images, their quizzes."""

    slug: str
    lessons: list[str]
    images: set[str]
    quizzes: dict[str, dict]  # lesson slug → the spec of its first quiz


@dataclass
class Row:
    """One page's figures."""

    name: str
    path: str
    exchanges: list[Exchange]
    hosts: set[str]
    foreign: list[str] = field(default_factory=list)
    reported: int = 0  # bytes Playwright's request.sizes() accounts for

    @property
    def received(self) -> int:
        return sum(exchange.received for exchange in self.exchanges)

    @property
    def gzipped(self) -> int:
        return sum(exchange.gzipped for exchange in self.exchanges)


class Relay:
    """A local TCP relay in front of the server that attributes every byte to its request.
    gunicorn's sync workers answer one request per connection and Chromium never pipelines,
    so the bytes coming back on a connection belong to the last request sent on it."""

    def __init__(self, target: str):
        self.target = urlsplit(target)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.exchanges: list[Exchange] = []
        self.phase = "setup"
        self.last_byte = time.monotonic()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            try:
                upstream = socket.create_connection((self.target.hostname, self.target.port))
            except OSError:
                client.close()
                continue
            last: list[Exchange] = []
            for pair in ((client, upstream, True), (upstream, client, False)):
                threading.Thread(target=self._pipe, args=(*pair, last), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket, upward: bool, last: list[Exchange]) -> None:
        try:
            while data := source.recv(65536):
                self._count(data, upward, last)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):  # wakes the other direction's thread, which closes its end
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
            source.close()

    def _count(self, data: bytes, upward: bool, last: list[Exchange]) -> None:
        with self.lock:
            self.last_byte = time.monotonic()
            line = REQUEST_LINE.match(data) if upward else None
            if line:
                last.append(Exchange(self.phase, line[1].decode(), line[2].decode()))
                self.exchanges.append(last[-1])
            if not last:
                return
            if upward:
                last[-1].sent += len(data)
            else:
                last[-1].response += data

    def wait_quiet(self, timeout: float = 15) -> None:
        """Return once no byte has crossed for QUIET seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and time.monotonic() - self.last_byte < QUIET:
            time.sleep(0.05)

    def phase_exchanges(self, phase: str) -> list[Exchange]:
        with self.lock:
            return [exchange for exchange in self.exchanges if exchange.phase == phase]

    def close(self) -> None:
        self.listener.close()


def seed(app) -> Plan:
    """Regions, one sahayak (Bengali), and the real course published from courses/."""
    with app.app_context():
        import_regions(REGIONS_CSV.read_bytes(), "regions.csv")
        create_user(check_person("অনুপম মুখোপাধ্যায়", PHONE, "sahayak", "bn", "BOOTH-BHA-001"), PASSWORD)
        source, problems = check_folder(ROOT / "courses" / COURSE)
        assert source is not None and not problems, problems
        version = publish(source, None, "cli").version
        lessons = version.lessons
        plan = Plan(
            version.course.slug,
            [lesson.slug for lesson in lessons],
            {lesson.slug for lesson in lessons if "<img" in lesson.html},
            {lesson.slug: lesson.quizzes[0].spec for lesson in lessons if lesson.quizzes},
        )
        db.engine.dispose()  # leave the database to gunicorn
    return plan


def phone(browser, state: dict | None = None):
    """A fresh context (empty cache) the size of a cheap Android phone."""
    return browser.new_context(viewport={"width": 360, "height": 640}, storage_state=state)


def launch(playwright):
    """Debian's Chromium, headless, kept from calling home."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def measure(playwright, relay: Relay, name: str, path: str, state: dict | None) -> Row:
    """Open `path` in a new browser (Chromium remembers missing favicons browser-wide) and a
    fresh context with the given cookies; count what the visit cost."""
    browser = launch(playwright)
    context = phone(browser, state)
    requests, reported = [], []
    context.on("request", lambda request: requests.append(request))
    context.on("requestfinished", lambda request: reported.append(request.sizes()))
    relay.wait_quiet()
    relay.phase = name
    response = context.new_page().goto(relay.url + path, wait_until="load")
    assert response is not None and response.ok, f"{name}: {path} answered {response and response.status}"
    relay.wait_quiet()
    relay.phase = "between"
    browser.close()
    server = urlsplit(relay.url).netloc
    hosts = {urlsplit(request.url).netloc or urlsplit(request.url).scheme + ":" for request in requests}
    return Row(
        name,
        path,
        relay.phase_exchanges(name),
        hosts | {server},
        [request.url for request in requests if off_server(request.url, server)],
        sum(sizes["responseHeadersSize"] + sizes["responseBodySize"] for sizes in reported),
    )


def off_server(url: str, server: str) -> bool:
    """Whether a request left the server: any other host (data: and blob: URLs stay in the page)."""
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob") and parts.netloc != server


def lesson_weights(browser, relay: Relay, state: dict, plan: Plan) -> dict[str, int]:
    """Bytes of each lesson page's HTML on the wire, to pick the heaviest ones."""
    context = phone(browser, state)
    page = context.new_page()
    weights = {}
    for slug in plan.lessons:
        path = f"/courses/{plan.slug}/lessons/{slug}"
        relay.phase = f"scan {slug}"
        page.goto(relay.url + path)
        relay.wait_quiet()
        weights[slug] = sum(e.received for e in relay.phase_exchanges(relay.phase) if e.path == path)
    relay.phase = "between"
    context.close()
    return weights


def pick_lessons(plan: Plan, weights: dict[str, int]) -> tuple[str, str]:
    """The heaviest lesson page (one with an image first), and the heaviest other one
    holding a quiz: the worst first visits the course offers."""
    lesson = max(plan.lessons, key=lambda slug: (slug in plan.images, weights[slug]))
    with_quiz = [slug for slug in plan.lessons if slug in plan.quizzes]
    assert with_quiz, f"{COURSE} has no quiz"
    others = [slug for slug in with_quiz if slug != lesson] or with_quiz
    return lesson, max(others, key=weights.__getitem__)


def take_quiz(browser, relay: Relay, state: dict, plan: Plan, slug: str) -> str:
    """Submit the lesson's quiz once (choosing options with feedback, so the result shows
    it); return the result page's path."""
    context = phone(browser, state)
    page = context.new_page()
    page.goto(f"{relay.url}/courses/{plan.slug}/lessons/{slug}")
    for index, question in enumerate(plan.quizzes[slug]["questions"]):
        answer(page, f"q{index}", question)
    page.locator("form.quiz button[type=submit]").click()
    page.wait_for_url("**/attempts/*")
    path = urlsplit(page.url).path
    context.close()
    return path


def answer(page, name: str, question: dict) -> None:
    """Fill one question: options with feedback (else the right ones), or a right typed answer."""
    kind = KINDS[question["kind"]]
    if not kind.has_options:
        page.fill(f'input[name="{name}"]', kind.sample(question))
        return
    options = question["options"]
    # Options with feedback first, so the result page carries feedback to weigh.
    chosen = [o for o in options if o["feedback_html"]] or [o for o in options if o["correct"]]
    for option in chosen[: None if kind.several else 1]:
        page.check(f'input[name="{name}"][value="{option["id"]}"]')


def signed_in_state(browser, relay: Relay) -> dict:
    """The cookies of the sahayak, signed in through the real form."""
    context = phone(browser)
    sign_in(context.new_page(), relay.url, PHONE, PASSWORD)
    state = context.storage_state()
    context.close()
    return state


def visit_all(playwright, relay: Relay, plan: Plan) -> list[Row]:
    """The five pages, each a first visit; the result page after one real submission."""
    rows = [measure(playwright, relay, "login", "/login", None)]
    helper = launch(playwright)  # signs in, finds the heaviest lessons, submits the quiz
    try:
        state = signed_in_state(helper, relay)
        course = f"/courses/{plan.slug}/"
        rows.append(measure(playwright, relay, "course", course, state))
        weights = lesson_weights(helper, relay, state, plan)
        print("lesson pages' HTML:", ", ".join(f"{slug} {size} B" for slug, size in weights.items()))
        lesson, quiz = pick_lessons(plan, weights)
        rows.append(measure(playwright, relay, "lesson", f"{course}lessons/{lesson}", state))
        rows.append(measure(playwright, relay, "quiz", f"{course}lessons/{quiz}", state))
        result = take_quiz(helper, relay, state, plan, quiz)
    finally:
        helper.close()
    rows.append(measure(playwright, relay, "result", result, state))
    return rows


def print_table(rows: list[Row]) -> None:
    """The summary table, then each page's requests."""
    print(f"\n{'page':<7} {'requests':>8} {'KB':>6} {'bytes':>7}  {'< 30 KB':<7}  {'gzip KB':>7}  hosts")
    for row in rows:
        verdict = "yes" if row.received < TARGET else "NO"
        print(
            f"{row.name:<7} {len(row.exchanges) + len(row.foreign):>8} {row.received / 1000:>6.1f} "
            f"{row.received:>7}  {verdict:<7}  {row.gzipped / 1000:>7.1f}  {', '.join(sorted(row.hosts))}"
        )
    print(
        "\nKB = 1,000 bytes received: response headers and bodies exactly as gunicorn sent them"
        "\n(uncompressed); gzip KB estimates the same behind nginx with `gzip on` (docs/deploy.md)."
    )
    for row in rows:
        print(f"\n{row.name}: {row.path}")
        for exchange in row.exchanges:
            print(
                f"  {exchange.received:>6} B = {exchange.head:>5} head + {exchange.received - exchange.head:>5} body"
                f"  {exchange.status}  {exchange.method} {exchange.path}"
            )
        print(f"  Playwright's request.sizes() account for {row.reported} of {row.received} B")


def run() -> tuple[float, str]:
    assert CHROMIUM.exists(), "Chromium is missing: apt-get install chromium"
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-weight-"))
    app = bench_app(folder)
    plan = seed(app)
    settings = {key: app.config[key] for key in SETTINGS}
    print(f"course {plan.slug} ({COURSE}), {len(plan.lessons)} lessons, server log {folder / 'gunicorn.log'}")
    with running(settings, folder / "gunicorn.log") as server, sync_playwright() as playwright:
        relay = Relay(server.url)
        try:
            rows = visit_all(playwright, relay, plan)
        finally:
            relay.close()
    print_table(rows)
    foreign = [url for row in rows for url in row.foreign]
    if foreign:
        raise SystemExit("requests to other hosts:\n  " + "\n  ".join(foreign))
    return max(row.received for row in rows) / 1000, "KB"
