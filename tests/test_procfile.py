"""`make run`'s way of serving: honcho starts the Procfile's web server and job worker
together; work started on the web is done by the worker; Ctrl-C stops both.

Always on a SQLite file and SqliteHuey queue of their own in a temporary instance folder,
as on a newcomer's machine, so both CI passes run the same test."""

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from lms.auth.models import Role
from lms.extensions import db
from tests.certificates.conftest import complete
from tests.conftest import add_region, csrf_token_from
from tests.livehttp import Browser, add_people, publish_sample_course, seeding
from tests.servers import ROOT, Server, free_port, lms_environment, wait_until_up
from tests.waiting import wait_until

pytestmark = pytest.mark.live

HONCHO = Path(sys.executable).with_name("honcho")
HEAD, GRADUATES, ELIGIBLE = 6000000001, 6100000000, 25  # more than JOBS_INLINE_MAX (20)


def seed(settings: dict[str, str]) -> None:
    """A Kolkata cell head and sahayaks who completed the course."""
    with seeding(settings):
        state = add_region("WB", kind="state")
        kolkata = add_region("WB-KOL", state)
        db.session.commit()
        version = publish_sample_course()
        add_people(1, HEAD, kolkata, Role.CELL_HEAD)
        for graduate in add_people(ELIGIBLE, GRADUATES, kolkata):
            complete(graduate, version)


def job_state(browser: Browser, url: str, timeout: float = 120) -> str:
    """Look at a job page (as its self-refreshing page would) until the job has ended; that page."""

    def ended() -> str | None:
        page = browser.get(url).text
        return page if 'http-equiv="refresh"' not in page else None

    return wait_until(ended, timeout, f"the job at {url} to end", interval=0.5)


def test_honcho_runs_web_and_worker_together_and_ctrl_c_stops_both(tmp_path):
    settings = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'instance' / 'lms.sqlite'}",
        "SECRET_KEY": "procfile-test",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    (tmp_path / "instance").mkdir()
    seed(settings)
    port = free_port()
    env = lms_environment(settings)
    env["PATH"] = f"{HONCHO.parent}:{env['PATH']}"  # as `make run` puts the venv first
    log = tmp_path / "honcho.log"
    with log.open("ab") as output:
        honcho = subprocess.Popen(
            [str(HONCHO), "start", "--no-colour", "--port", str(port)],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        wait_until_up(Server(f"http://127.0.0.1:{port}", honcho, log))
        head = Browser()
        assert head.sign_in(f"http://127.0.0.1:{port}", str(HEAD)).status == 302
        page = head.get(f"http://127.0.0.1:{port}/certificates/")
        started = head.post(
            f"http://127.0.0.1:{port}/certificates/issue",
            {"csrf_token": csrf_token_from(page.text), "all": "1", "confirmed": "1"},
        )
        assert started.status == 302 and re.fullmatch(r"/jobs/\d+", started.location)
        finished = job_state(head, f"http://127.0.0.1:{port}{started.location}")
        assert f"{ELIGIBLE} certificates issued" in finished, finished
        honcho.send_signal(signal.SIGINT)  # Ctrl-C
        assert honcho.wait(timeout=30) is not None
    finally:
        if honcho.poll() is None:
            os.killpg(honcho.pid, signal.SIGKILL)
    output = log.read_text()
    assert re.search(r"web\.1 +\| .*Listening at", output) and "Job worker: 1 thread(s)" in output, output
    assert "Traceback" not in output, output
    survivors = subprocess.run(
        ["pgrep", "-s", str(honcho.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert survivors == [], f"still running after Ctrl-C: {survivors}\n{output}"
