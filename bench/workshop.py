"""200 sahayaks submit a quiz at the same moment against gunicorn (2 workers), SQLite then PostgreSQL.

Each sahayak signs in through the real form (all from 127.0.0.1, default limits), opens the
lesson holding the quiz and fills in its form; then 200 threads, each with its own cookie jar,
are released together by a barrier and POST once. Per database: p50/p95/max latency of the
POSTs (request sent to response read, redirects not followed), errors (anything but a 302 to
/attempts/<id>; target 0) and attempts in the database (target exactly 200).
The final value is the SQLite p95 in ms: how long the slowest trainees wait when a whole
workshop presses Submit at once on the default deployment; the unit line says whether the
error and attempt targets held on every database measured.

PostgreSQL: a database lms_bench_workshop is created and dropped on the server named by
BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432/postgres); BENCH_POSTGRES=off
measures SQLite only. An unreachable server is reported and skipped."""

import math
import os
import random
import re
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import func, select

from bench.web import build_site, forms, sahayak_phone, signed_in, site_settings
from lms.extensions import db
from lms.learning.models import Attempt, QuizProgress
from tests.livehttp import Browser
from tests.servers import running

SAHAYAKS = 200
PG_DATABASE = "lms_bench_workshop"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/postgres"
RESULT = re.compile(r"/attempts/\d+")


@dataclass
class Outcome:
    """What one database did with the simultaneous submissions."""

    database: str
    latencies: list[float]
    errors: Counter
    attempts: int
    counted: int  # attempts counted in QuizProgress, which must agree

    @property
    def met(self) -> bool:
        return not self.errors and self.attempts == SAHAYAKS == self.counted


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else float("nan")


def ready(base_url: str, lesson: str, n: int) -> tuple[Browser, dict]:
    """Sahayak n signed in, with the answers it is about to post to its quiz form."""
    browser = signed_in(base_url, sahayak_phone(n))
    page = browser.get(base_url + lesson)
    quiz = [form for form in forms(page.text) if form.action.endswith("/quizzes/submit")]
    if page.status != 200 or not quiz or not quiz[0].value("token"):
        raise RuntimeError(f"sahayak {n}: {lesson} answered {page.status} without a quiz form")
    return browser, quiz[0].answers(random.Random(n))  # noqa: S311 (varied answers, not security)


def submit_together(base_url: str, people: list[tuple[Browser, dict]]) -> tuple[list[float], Counter, float]:
    """Release every POST at once; return latencies, errors by kind and the wall time."""
    barrier = threading.Barrier(len(people) + 1, timeout=60)
    tally = threading.Lock()
    latencies: list[float] = []
    errors: Counter = Counter()

    def submit(browser: Browser, answers: dict) -> None:
        barrier.wait()
        start = time.perf_counter()
        try:
            reply = browser.post(base_url + "/quizzes/submit", answers)
        except OSError as error:
            with tally:
                errors[type(error).__name__] += 1
            return
        elapsed = time.perf_counter() - start
        with tally:
            latencies.append(elapsed)
            if reply.status != 302 or not RESULT.fullmatch(reply.location):
                errors[f"{reply.status} {reply.location}".strip()] += 1

    threads = [threading.Thread(target=submit, args=person) for person in people]
    for thread in threads:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - start


def workshop(name: str, uri: str, folder: Path) -> Outcome:
    """Seed a site on `uri`, serve it with gunicorn, let the workshop submit, count attempts."""
    settings = site_settings(folder, uri)
    app, lesson = build_site(settings, SAHAYAKS)
    with running(settings, folder / "gunicorn.log") as site:
        with ThreadPoolExecutor(4) as pool:
            people = list(pool.map(lambda n: ready(site.url, lesson, n), range(SAHAYAKS)))
        latencies, errors, wall = submit_together(site.url, people)
    with app.app_context():
        attempts = db.session.scalar(select(func.count(Attempt.id)))
        counted = db.session.scalar(select(func.sum(QuizProgress.attempts))) or 0
        db.engine.dispose()
    outcome = Outcome(name, latencies, errors, attempts, counted)
    report(outcome, wall)
    return outcome


def report(outcome: Outcome, wall: float) -> None:
    """Print one database's figures."""
    name = outcome.database
    ms = [seconds * 1000 for seconds in outcome.latencies]
    print(
        f"{name}: p50 {percentile(ms, 0.5):.0f} ms, p95 {percentile(ms, 0.95):.0f} ms, "
        f"max {max(ms, default=float('nan')):.0f} ms; {len(ms)} of {SAHAYAKS} answered in {wall:.1f} s"
    )
    kinds = ", ".join(f"{count} × {kind}" for kind, count in outcome.errors.most_common())
    print(f"{name}: errors {sum(outcome.errors.values())} (target 0){': ' + kinds if kinds else ''}")
    print(
        f"{name}: attempts recorded {outcome.attempts} (target {SAHAYAKS}), "
        f"counted in quiz progress {outcome.counted}; {'met' if outcome.met else 'NOT MET'}"
    )


def on_postgresql(server: str) -> Outcome | None:
    """The workshop in a fresh PostgreSQL database, dropped afterwards; None if unreachable."""
    try:
        admin = psycopg.connect(server, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL: not reachable at {server} ({' '.join(str(error).split())}); skipped")
        return None
    with admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_DATABASE}")
        uri = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", server).rsplit("/", 1)[0]
        try:
            return workshop("PostgreSQL", f"{uri}/{PG_DATABASE}", Path(tempfile.mkdtemp(prefix="lms-bench-")))
        finally:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_DATABASE} WITH (FORCE)")


def run() -> tuple[float, str]:
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-workshop-"))
    outcomes = [workshop("SQLite", f"sqlite:///{folder / 'workshop.sqlite3'}", folder)]
    server = os.environ.get("BENCH_POSTGRES", PG_SERVER)
    if server.lower() not in ("", "off"):
        outcomes.append(on_postgresql(server))
    measured = [outcome for outcome in outcomes if outcome is not None]
    names = " and ".join(outcome.database for outcome in measured)
    verdict = f"errors 0, attempts {SAHAYAKS}" if all(o.met for o in measured) else "targets NOT MET"
    return percentile(outcomes[0].latencies, 0.95) * 1000, f"ms (SQLite p95; {names}: {verdict})"
