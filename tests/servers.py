"""Real gunicorn servers on free local ports, configured through LMS_* variables, for the
fault and scale-out tests and the benchmarks that need a server as deployed."""

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    """A local TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    """One running gunicorn: its address and process."""

    url: str
    process: subprocess.Popen
    log: Path

    def kill(self) -> None:
        """SIGKILL the master and its workers at once, as a power cut would."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """Shut down gracefully, or kill if it does not go."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


def lms_environment(settings: dict) -> dict[str, str]:
    """This process's environment with `settings` as LMS_* variables, and only those: an
    LMS_* variable in the caller's shell must not leak in. Flask reads LMS_* values as JSON
    where they parse, so False is written false."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("LMS_")}
    return inherited | {
        f"LMS_{key}": json.dumps(value) if isinstance(value, bool) else str(value)
        for key, value in settings.items()
    }


def start(settings: dict[str, str], log: Path, workers: int = 2, app: str = "wsgi:app") -> Server:
    """Start gunicorn with `settings` as LMS_* variables; return once /healthz (or /) answers."""
    port = free_port()
    env = lms_environment(settings)
    # No control socket: every gunicorn would otherwise share ~/.gunicorn/gunicorn.ctl.
    command = [
        str(GUNICORN),
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--no-control-socket",
        app,
    ]
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    wait_until_up(server)
    return server


def wait_until_up(server: Server, timeout: float = 60) -> None:
    """Wait until the server answers /healthz; fail with its log if it dies or never does."""

    def answers() -> bool:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{server.log.read_text()}")
        with urllib.request.urlopen(server.url + "/healthz", timeout=5):  # noqa: S310 (local URL)
            return True

    try:
        wait_until(answers, timeout, f"{server.url}/healthz to answer", ignoring=(OSError,))
    except AssertionError as error:
        server.stop()
        raise RuntimeError(f"{error}\n{server.log.read_text()}") from None


@contextmanager
def running(settings: dict[str, str], log: Path, workers: int = 2, app: str = "wsgi:app") -> Iterator[Server]:
    """A gunicorn server for the length of a with-block."""
    server = start(settings, log, workers, app)
    try:
        yield server
    finally:
        server.stop()


FLASK = Path(sys.executable).with_name("flask")


def job_worker(settings: dict[str, str], log: Path, workers: int = 1) -> Server:
    """Start `flask jobs worker` with `settings` as LMS_* variables (its url is unused)."""
    env = lms_environment(settings)
    command = [str(FLASK), "--app", "wsgi", "jobs", "worker", "--workers", str(workers)]
    with log.open("ab") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Server("", process, log)
