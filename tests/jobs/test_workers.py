"""Real job workers (`flask jobs worker` processes) on the queue the site uses: SQLite
(SqliteHuey) and Redis (RedisHuey), killed with SIGKILL half-way and started again."""

import re
import secrets
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from lms.certificates import jobs as certificate_jobs
from lms.certificates.models import Certificate
from lms.certificates.services import issue
from lms.core.clock import utcnow
from lms.extensions import db
from lms.jobs import services
from lms.jobs.models import Job
from lms.people import jobs as import_jobs
from lms.people.models import PasswordSheet
from tests.conftest import ON_POSTGRES, TEST_DATABASE_URI
from tests.jobs.conftest import graduates
from tests.servers import job_worker
from tests.waiting import wait_until

pytestmark = pytest.mark.live

REDIS = "redis://127.0.0.1:6379/0"
RENDERED = re.compile(r"rendered certificate (DS-\d{4}-\d{6})")


@pytest.fixture
def queue(request, tmp_path):
    """Queue settings: SQLite in instance/ with SQLite, Redis with PostgreSQL (as deployed at
    scale) or when the test asks for it."""
    url = REDIS if getattr(request, "param", "") == "redis" or ON_POSTGRES else ""
    return {"JOBS_URL": url, "JOBS_NAME": f"test-{secrets.token_hex(4)}"}


@pytest.fixture
def app(make_app, queue):
    """The app of these tests: its jobs go to a real queue instead of running in the request."""
    app = make_app(JOBS_IMMEDIATE=False, JOBS_LEASE_SECONDS=3, **queue)
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def settings(app, queue) -> dict:
    """What a worker needs to share the app's database, instance folder and queue."""
    shared = {
        "JOBS_IMMEDIATE": False, "JOBS_LEASE_SECONDS": 3, "JOBS_NAME": queue["JOBS_NAME"],
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URI or app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": app.config["SECRET_KEY"], "INSTANCE_PATH": app.instance_path,
        "PASSWORD_HASH_METHOD": app.config["PASSWORD_HASH_METHOD"],
    }  # fmt: skip
    return shared | ({"JOBS_URL": queue["JOBS_URL"]} if queue["JOBS_URL"] else {})


def certified(world, version, count: int) -> list[int]:
    """Ids of `count` certificates issued to new graduates, none rendered yet."""
    people = graduates(world, version, count)
    issued, _skipped = issue(world.admin, [(user.id, version.course_id) for user in people])
    return [certificate.id for certificate in issued]


def wait_for(condition, timeout: float, what: str, workers=()) -> None:
    """Look at the database until the condition holds; fail with the workers' logs if it never does."""

    def holds():
        db.session.expire_all()
        return condition()

    def logs() -> str:
        return "\n".join(worker.log.read_text()[-3000:] for worker in workers)

    wait_until(holds, timeout, what, interval=0.3, details=logs)


def unheld(job_id: int) -> bool:
    """Whether nobody holds the job any more: its killed worker's lease has run out, as the
    next worker's claim sees it (lms.jobs.services.claim)."""
    ran_out = db.select(Job.id).where(Job.id == job_id, Job.state == "running", Job.lease_until < utcnow())
    return db.session.execute(ran_out).first() is not None


def job(job_id: int) -> Job:
    return db.session.get(Job, job_id, populate_existing=True)


def renders(*logs) -> Counter:
    """How often each certificate was rendered, from the workers' logs."""
    return Counter(serial for log in logs for serial in RENDERED.findall(log.read_text()))


def test_a_thousand_certificate_zip_survives_a_killed_worker(settings, world, sample_course, tmp_path):
    ids = certified(world, sample_course, 1000)
    zip_job = certificate_jobs.start_zip(world.admin, ids, "all.zip")
    first = job_worker(settings, tmp_path / "first.log")
    try:
        wait_for(lambda: job(zip_job.id).done >= 100, 120, "100 PDFs", [first])
    finally:
        first.kill()  # SIGKILL, half-way
    assert job(zip_job.id).state == "running"
    wait_for(lambda: unheld(zip_job.id), 60, "the killed worker's hold on the ZIP to run out")
    second = job_worker(settings, tmp_path / "second.log")
    try:
        wait_for(lambda: job(zip_job.id).state == "done", 300, "the ZIP", [second])
    finally:
        second.stop()
    done = job(zip_job.id)
    assert done.done == 1000 and done.runs == 2
    with zipfile.ZipFile(services.folder(done) / "certificates.zip") as archive:
        assert archive.testzip() is None and len(archive.namelist()) == 1000
        assert archive.read(archive.namelist()[0]).startswith(b"%PDF")
    counted = renders(first.log, second.log)
    # Nothing rendered and recorded twice (the PDF in flight at the kill, never recorded, is
    # rendered again by the second worker). The log line follows the record, so a kill between
    # the two leaves one recorded PDF unlogged: every certificate is recorded (below).
    assert len(counted) >= 999 and max(counted.values()) == 1
    assert all(db.session.execute(db.select(Certificate.pdf_sha256)).scalars())


def test_a_killed_import_finishes_all_or_nothing_and_registers_nobody_twice(app, settings, world, tmp_path):
    settings = settings | {"PASSWORD_HASH_METHOD": "pbkdf2:sha256:100000"}  # slow enough to kill half-way
    rows = "".join(f"Imported {n},98301{n:05d},B-KOL-1\n" for n in range(300))
    started = import_jobs.start_import(world.head_kol, f"name,phone,region\n{rows}".encode(), "p.csv")
    first = job_worker(settings, tmp_path / "first.log")
    try:
        wait_for(lambda: job(started.id).done >= 60, 120, "60 passwords", [first])
    finally:
        first.kill()
    from lms.auth.models import User

    imported = db.select(db.func.count(User.id)).where(User.name.like("Imported %"))
    assert db.session.execute(imported).scalar() == 0  # nothing half-written
    wait_for(lambda: unheld(started.id), 60, "the killed worker's hold on the import to run out")
    second = job_worker(settings, tmp_path / "second.log")
    try:
        wait_for(lambda: job(started.id).state == "done", 300, "the import", [second])
    finally:
        second.stop()
    assert db.session.execute(imported).scalar() == 300
    assert db.session.execute(db.select(db.func.count(PasswordSheet.id))).scalar() == 1
    assert (Path(app.instance_path) / "sheets" / f"job-{started.id}.pdf").is_file()


@pytest.mark.parametrize("queue", ["redis"], indirect=True)
def test_two_workers_on_redis_never_render_or_issue_the_same_thing_twice(
    settings, world, sample_course, tmp_path
):
    ids = certified(world, sample_course, 150)
    zips = [certificate_jobs.start_zip(world.admin, ids, f"{n}.zip") for n in range(2)]
    people = graduates(world, sample_course, 60)
    pairs = [(user.id, sample_course.course_id) for user in people]
    issues = [certificate_jobs.start_issue(world.admin, pairs) for _ in range(2)]
    workers = [job_worker(settings, tmp_path / f"worker{n}.log") for n in range(2)]
    try:
        everything = [job.id for job in zips + issues]
        wait_for(lambda: all(job(i).state == "done" for i in everything), 300, "four jobs", workers)
    finally:
        for worker in workers:
            worker.stop()
    counted = renders(*(worker.log for worker in workers))
    assert len(counted) == 150 and max(counted.values()) == 1
    for zip_job in zips:
        with zipfile.ZipFile(services.folder(job(zip_job.id)) / "certificates.zip") as archive:
            assert len(archive.namelist()) == 150
    issued = db.session.execute(
        db.select(db.func.count(Certificate.id)).where(Certificate.user_id.in_([user.id for user in people]))
    ).scalar()
    assert issued == 60 and sum(job(i.id).done for i in issues) == 60
