"""Bulk work as background jobs, through gunicorn with `make run`'s settings: SQLite, the
SqliteHuey queue in instance/, gunicorn with 2 workers and one job worker (the Procfile).

1. A cell head asks for the ZIP of a batch of 5,000 certificates, none rendered yet, on the
   web; the job's page is polled until it is done and the ZIP is downloaded and checked
   (5,000 PDFs, each one whole). Meanwhile two signed-in sahayaks keep requesting a lesson
   page (a quarter of a second apart each, about 8 pages a second in all); their p95 is
   compared with the same two sahayaks' p95 on the idle server, measured before and after
   the job (the same run, so machine drift hits both).
2. A cell head uploads a 2,000-row people CSV; the import job is polled until it is done,
   and the password sheet is downloaded and checked.

The final value is the lesson page's p95 during the job ÷ idle (target: under 3)."""

import re
import statistics
import tempfile
import threading
import time
import zipfile
from datetime import date
from pathlib import Path

from bench.web import build_site, quiz_lesson, sahayak_phone, signed_in
from bench.workshop import percentile
from lms.auth.models import Role, User
from lms.batches.models import Membership
from lms.batches.services import create_batch
from lms.certificates.services import issue
from lms.extensions import db
from lms.learning.models import Completion
from lms.people.regions import find_region
from lms.people.services import check_person, create_user
from tests.conftest import csrf_token_from
from tests.livehttp import Browser
from tests.servers import job_worker, running

CERTIFICATES = 5_000
IMPORT_ROWS = 2_000
READERS = 2  # signed-in sahayaks requesting the lesson page
PAUSE = 0.25  # seconds each reader waits between pages: people read, they don't hammer
IDLE_SECONDS = 20  # idle measurement before the job, and again after it
HEAD_PHONE, HEAD_PASSWORD = "9000000004", "bench-pass"
NAMES = ["অনুপম মুখোপাধ্যায়", "राजेश कुमार शर्मा", "Mary D'Souza"]


def seed_batch(app) -> int:
    """A Kolkata cell head and a batch of CERTIFICATES sahayaks, each certified, none rendered."""
    with app.app_context():
        head = create_user(check_person("সুচিত্রা দাস", HEAD_PHONE, "cell_head", "bn", "WB-KOL"), HEAD_PASSWORD)
        version = quiz_lesson().version
        booth = find_region("BOOTH-BHA-001")
        no_sign_in = "!"  # not a hash: nobody signs in as these people
        people = [
            User(phone=f"6{n:09d}", name=NAMES[n % 3], region=booth, password_hash=no_sign_in, lang="bn",
                 role=Role.SAHAYAK.value)
            for n in range(CERTIFICATES)
        ]  # fmt: skip
        db.session.add_all(people)
        db.session.flush()
        db.session.add_all(
            Completion(user_id=p.id, course_id=version.course_id, version_id=version.id) for p in people
        )
        batch = create_batch(head, version.course_id, "Bench batch", "", date(2026, 12, 1), booth.id)
        db.session.add_all(Membership(batch_id=batch.id, user_id=p.id) for p in people)
        db.session.commit()
        started = time.perf_counter()
        issued, _ = issue(head, [(p.id, version.course_id) for p in people])
        assert len(issued) == CERTIFICATES
        print(f"seeded: {CERTIFICATES:,} certificates issued in {time.perf_counter() - started:.1f} s")
        return batch.id


class Readers:
    """Sahayaks reading the lesson page over and over; latencies (ms) per phase."""

    def __init__(self, browsers: list[Browser], url: str) -> None:
        self.browsers, self.url = browsers, url
        self.phase, self.latencies, self.errors = "idle", {}, 0
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._read, args=(b,), daemon=True) for b in browsers]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def finish(self) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _read(self, browser: Browser) -> None:
        while not self.stop.is_set():
            phase, started = self.phase, time.perf_counter()
            reply = browser.get(self.url)
            elapsed = (time.perf_counter() - started) * 1000
            if reply.status != 200 or "/quizzes/submit" not in reply.text:
                self.errors += 1
            self.latencies.setdefault(phase, []).append(elapsed)
            self.stop.wait(PAUSE)


def wait_for_job(browser: Browser, server: str, location: str, what: str) -> tuple[str, float]:
    """Poll a job page until the job ends (as its meta refresh would, every 3 s); its final
    page and how long it took from the first look."""
    started = time.perf_counter()
    while True:
        page = browser.get(server + location).text
        if 'http-equiv="refresh"' not in page:
            return page, time.perf_counter() - started
        progress = re.search(r"<progress max=\"(\d+)\" value=\"(\d+)\"", page)
        if progress:
            print(f"  {what}: {int(progress.group(2)):,} of {int(progress.group(1)):,}", end="\r", flush=True)
        time.sleep(3)


def zip_job(head: Browser, server: str, batch_id: int, folder: Path) -> float:
    """Ask for the batch's ZIP, wait for the job, download and check the ZIP; seconds taken."""
    offer = head.get(f"{server}/batches/{batch_id}/certificates.zip")
    started = head.post(
        f"{server}/batches/{batch_id}/certificates.zip", {"csrf_token": csrf_token_from(offer.text)}
    )
    if started.status != 302 or not started.location.startswith("/jobs/"):
        raise RuntimeError(f"the ZIP did not start as a job: {started.status} {started.location}")
    page, seconds = wait_for_job(head, server, started.location, "ZIP")
    if f"{started.location}/result" not in page:
        raise RuntimeError(f"the ZIP job did not finish:\n{page}")
    archive_path = folder / "batch.zip"
    archive_path.write_bytes(head.download(f"{server}{started.location}/result"))
    with zipfile.ZipFile(archive_path) as archive:
        names = archive.namelist()
        if len(names) != CERTIFICATES or archive.testzip() is not None:
            raise RuntimeError(f"the ZIP holds {len(names)} files, or a damaged one")
        if not all(archive.read(name).startswith(b"%PDF") for name in names[:: CERTIFICATES // 50]):
            raise RuntimeError("the ZIP holds something other than PDFs")
    print(f"\nZIP: {len(names):,} PDFs, {archive_path.stat().st_size / 1e6:,.0f} MB, valid")
    return seconds


def import_job(head: Browser, server: str) -> float:
    """Upload IMPORT_ROWS people; wait for the import job; check the sheet; seconds taken."""
    rows = "".join(f"{NAMES[n % 3]} {n},8{n:09d},BOOTH-BHA-001\n" for n in range(IMPORT_ROWS))
    form = head.get(f"{server}/people/import")
    started = head.upload(
        f"{server}/people/import", {"csrf_token": csrf_token_from(form.text)}, "file", "people.csv",
        f"name,phone,region\n{rows}".encode(),
    )  # fmt: skip
    if started.status != 302 or not started.location.startswith("/jobs/"):
        raise RuntimeError(f"the import did not start as a job: {started.status} {started.location}")
    page, seconds = wait_for_job(head, server, started.location, "import")
    if "could not be finished" in page or "/people/sheets/" not in page:
        raise RuntimeError(f"the import job did not finish:\n{page}")
    print(f"\nimport: {IMPORT_ROWS:,} people registered, sheet ready")
    return seconds


def run() -> tuple[float, str]:
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-jobs-"))
    (folder / "instance").mkdir()
    # make run's settings: SQLite and the job queue in instance/, the default password hash.
    settings = {
        "INSTANCE_PATH": str(folder / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'instance' / 'lms.sqlite3'}",
        "SECRET_KEY": "bench",
    }
    app, path = build_site(settings, READERS)
    batch_id = seed_batch(app)
    with running(settings, folder / "web.log") as site:
        worker = job_worker(settings, folder / "worker.log")
        try:
            readers = Readers(
                [signed_in(site.url, sahayak_phone(n)) for n in range(READERS)], site.url + path
            )
            head = Browser(timeout=120)
            if head.sign_in(site.url, HEAD_PHONE, HEAD_PASSWORD).status != 302:
                raise RuntimeError("the cell head could not sign in")
            readers.start()
            time.sleep(IDLE_SECONDS)
            readers.phase = "job"
            zip_seconds = zip_job(head, site.url, batch_id, folder)
            readers.phase = "idle"
            time.sleep(IDLE_SECONDS)
            readers.finish()
            import_seconds = import_job(head, site.url)
        finally:
            worker.stop()
    if readers.errors:
        raise RuntimeError(f"{readers.errors} lesson pages failed")
    idle, busy = readers.latencies["idle"], readers.latencies["job"]
    ratio = percentile(busy, 0.95) / percentile(idle, 0.95)
    print(f"batch ZIP of {CERTIFICATES:,} certificates (none rendered before): {zip_seconds:.0f} s "
          f"({CERTIFICATES / zip_seconds:.0f}/s), 1 job worker")  # fmt: skip
    print(f"import of {IMPORT_ROWS:,} people with their password sheet: {import_seconds:.0f} s")
    print(f"lesson page, {READERS} readers, idle: p50 {statistics.median(idle):.1f} ms, "
          f"p95 {percentile(idle, 0.95):.1f} ms ({len(idle):,} requests)")  # fmt: skip
    print(f"lesson page, {READERS} readers, during the ZIP job: p50 {statistics.median(busy):.1f} ms, "
          f"p95 {percentile(busy, 0.95):.1f} ms ({len(busy):,} requests)")  # fmt: skip
    return ratio, "x (lesson p95 during the job ÷ idle; target < 3)"
