"""Bulk work as jobs, run in-process (JOBS_IMMEDIATE): what starts one, what it does, who
sees it, and that running it again after a kill does nothing twice."""

import io
import re
import zipfile
from datetime import timedelta

from lms.auth.models import User
from lms.certificates.models import Certificate
from lms.core.clock import utcnow
from lms.extensions import db
from lms.jobs import runner, services
from lms.jobs.models import Job
from lms.people.models import PasswordSheet


def issue_all(client, auth, world) -> Job:
    auth.login(world.admin)
    response = client.post("/certificates/issue", data={"all": "1", "confirmed": "1"})
    assert response.headers["Location"].startswith("/jobs/")
    return db.session.execute(db.select(Job)).scalar_one()


def as_if_killed(job: Job) -> None:
    """The job's worker died mid-way: still running, held by nobody."""
    job.state, job.lease_until = "running", utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_issuing_to_many_is_a_job_that_counts_each_certificate_once(client, auth, world, crowd):
    job = issue_all(client, auth, world)
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Done." in page and "25 certificates issued." in page and 'http-equiv="refresh"' not in page
    assert db.session.execute(db.select(db.func.count(Certificate.id))).scalar() == 25
    as_if_killed(job)
    runner.run(job.id)  # run again after "a kill": nothing is issued or counted twice
    db.session.refresh(job)
    assert job.state == "done" and job.done == 25 and job.runs == 2
    assert "25 certificates issued." in client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert db.session.execute(db.select(db.func.count(Certificate.id))).scalar() == 25


def test_a_big_batch_zip_is_offered_then_built_in_the_background(client, auth, world, crowd):
    batch, _people = crowd
    issue_all(client, auth, world)
    auth.logout()
    auth.login(world.head_kol)
    offer = client.get(f"/batches/{batch.id}/certificates.zip")
    assert offer.mimetype == "text/html" and "25 certificates are too many" in offer.get_data(as_text=True)
    started = client.post(f"/batches/{batch.id}/certificates.zip")
    job = db.session.get(Job, int(started.headers["Location"].rsplit("/", 1)[1]))
    assert job.state == "done" and job.done == 25
    with client.get(f"/jobs/{job.id}/result") as response:
        assert response.headers["Content-Disposition"].endswith(f"batch-{batch.join_code}-certificates.zip")
        data = response.data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None and len(archive.namelist()) == 25
    recorded = db.session.execute(db.select(Certificate.pdf_sha256)).scalars().all()
    assert all(recorded)


def test_a_zip_job_run_again_renders_nothing_again(client, auth, world, crowd, monkeypatch):
    batch, _people = crowd
    issue_all(client, auth, world)
    zip_job = db.session.get(
        Job, int(client.post(f"/batches/{batch.id}/certificates.zip").headers["Location"].rsplit("/", 1)[1])
    )
    renders = []
    monkeypatch.setattr("lms.certificates.pdf.render_certificate", lambda cert: renders.append(cert) or b"")
    as_if_killed(zip_job)
    runner.run(zip_job.id)
    db.session.refresh(zip_job)
    assert renders == [] and zip_job.state == "done" and zip_job.done == 25


def test_a_big_import_is_a_job_all_or_nothing_and_never_twice(client, auth, world):
    rows = "".join(f"Imported {n},98300{n:05d},B-KOL-1\n" for n in range(30))
    auth.login(world.head_kol)
    response = client.post(
        "/people/import", data={"file": (io.BytesIO(f"name,phone,region\n{rows}".encode()), "p.csv")}
    )
    job = db.session.get(Job, int(response.headers["Location"].rsplit("/", 1)[1]))
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "30 people registered." in page and f"/people/sheets/job-{job.id}" in page
    as_if_killed(job)
    runner.run(job.id)
    assert (
        db.session.execute(db.select(db.func.count(User.id)).where(User.name.like("Imported %"))).scalar()
        == 30
    )
    assert db.session.execute(db.select(db.func.count(PasswordSheet.id))).scalar() == 1
    with client.get(f"/people/sheets/job-{job.id}.pdf") as sheet:
        assert sheet.status_code == 200 and sheet.data.startswith(b"%PDF")


def test_a_failed_import_says_why_in_the_starters_language_and_writes_nothing(client, auth, world, make_user):
    head = make_user("cell_head", region=world.kolkata, lang="bn")
    rows = "".join(f"Imported {n},98300{n:05d},B-KOL-1\n" for n in range(25)) + "Bad,123,B-KOL-1\n"
    auth.login(head)
    response = client.post(
        "/people/import", data={"file": (io.BytesIO(f"name,phone,region\n{rows}".encode()), "p.csv")}
    )
    job_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/jobs/{job_id}").get_data(as_text=True)
    assert "p.csv:27:" in page and "It could not be finished" not in page  # in Bengali
    assert db.session.get(Job, job_id).state == "failed"
    assert db.session.execute(db.select(User).where(User.name.like("Imported %"))).first() is None


def test_small_work_needs_no_job(client, auth, world, sample_course):
    auth.login(world.head_kol)
    response = client.post(
        "/people/import", data={"file": (io.BytesIO(b"name,phone,region\nA,9830011111,B-KOL-1\n"), "p.csv")}
    )
    assert response.headers["Location"].startswith("/people/sheets/")
    assert db.session.execute(db.select(Job)).first() is None


def test_a_job_is_its_starters_and_the_admins_alone(client, auth, world, crowd):
    _batch, _people = crowd
    issue_all(client, auth, world)
    job = db.session.execute(db.select(Job)).scalar_one()
    for user, status in (
        (world.head_kol, 404),
        (world.trainer_kol, 404),
        (world.sahayak_kol, 404),
        (world.admin, 200),
    ):
        auth.logout()
        auth.login(user)
        assert client.get(f"/jobs/{job.id}").status_code == status
    assert "Issuing 25 certificates" in client.get("/jobs/").get_data(as_text=True)


def test_housekeeping_removes_old_results_and_takes_up_abandoned_jobs(app, client, auth, world, crowd):
    batch, _people = crowd
    issue_all(client, auth, world)
    zip_job = db.session.get(
        Job, int(client.post(f"/batches/{batch.id}/certificates.zip").headers["Location"].rsplit("/", 1)[1])
    )
    folder = services.folder(zip_job)
    assert (folder / "certificates.zip").is_file()
    zip_job.expires_at = utcnow() - timedelta(seconds=1)
    abandoned = Job(kind="certificates.render", title="t", params={"ids": []}, created_by_id=world.admin.id, state="running",
                    lease_until=utcnow() - timedelta(seconds=1))  # fmt: skip
    db.session.add(abandoned)
    db.session.commit()
    services.housekeeping()
    db.session.refresh(zip_job)
    db.session.refresh(abandoned)
    assert zip_job.state == "expired" and not folder.exists()
    assert abandoned.state == "done"  # taken up again (at once: jobs are immediate here)
    assert client.get(f"/jobs/{zip_job.id}/result").status_code == 404


def test_a_job_cut_off_as_often_as_allowed_fails_saying_why_and_is_never_run_again(app, client, auth, world):
    """Issue 25, finding 3: a worker killed for memory was restarted by housekeeping for ever."""
    world.head_kol.lang = "hi"
    cut_off = Job(kind="certificates.render", title="t", params={"ids": []}, created_by_id=world.head_kol.id,
                  state="running", runs=app.config["JOBS_MAX_RUNS"], lease_until=utcnow() - timedelta(seconds=1))  # fmt: skip
    once = Job(kind="certificates.render", title="t", params={"ids": []}, created_by_id=world.head_kol.id,
               state="running", runs=1, lease_until=utcnow() - timedelta(seconds=1))  # fmt: skip
    db.session.add_all([cut_off, once])
    db.session.commit()
    runner.run(cut_off.id)  # a worker that finds it in the queue
    db.session.refresh(cut_off)
    assert cut_off.state == "failed" and cut_off.runs == 3 and cut_off.expires_at is not None
    assert "3 बार" in cut_off.error  # in the starter's language
    services.housekeeping()
    db.session.refresh(cut_off)
    db.session.refresh(once)
    assert cut_off.state == "failed" and cut_off.runs == 3  # not taken up again
    assert once.state == "done" and once.runs == 2  # fewer cut-offs: run again
    auth.login(world.head_kol)
    page = client.get(f"/jobs/{cut_off.id}").get_data(as_text=True)
    assert cut_off.error in page


def test_housekeeping_fails_a_job_cut_off_as_often_as_allowed(app, world):
    stuck = Job(kind="certificates.render", title="t", params={"ids": []}, created_by_id=world.admin.id,
                state="running", runs=3, lease_until=utcnow() - timedelta(seconds=1))  # fmt: skip
    db.session.add(stuck)
    db.session.commit()
    services.housekeeping()
    db.session.refresh(stuck)
    assert stuck.state == "failed" and "3 times" in stuck.error


def test_jobs_list_shows_every_job(runner, world, crowd, client, auth):
    issue_all(client, auth, world)
    result = runner.invoke(args=["jobs", "list"])
    assert result.exit_code == 0 and "certificates.issue" in result.output and "25/25" in result.output


def test_staff_find_their_background_work_from_home(client, auth, world):
    for user in (world.head_kol, world.trainer_kol, world.admin):
        auth.login(user)
        assert 'href="/jobs/"' in client.get("/").get_data(as_text=True)
        auth.logout()
    auth.login(world.sahayak_kol)
    assert 'href="/jobs/"' not in client.get("/").get_data(as_text=True)


def test_the_job_list_is_paged(app, client, auth, world):
    from lms.certificates.jobs import start_zip

    app.config["USERS_PER_PAGE"] = 2
    for n in range(5):
        start_zip(world.head_kol, [], f"{n}.zip")
    auth.login(world.head_kol)
    first = client.get("/jobs/").get_data(as_text=True)
    assert "Page 1 of 3" in first and len(re.findall(r'href="/jobs/\d+"', first)) == 2
    assert "Page 3 of 3" in client.get("/jobs/", query_string={"page": 3}).get_data(as_text=True)
