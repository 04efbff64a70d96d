"""A signed-in sahayak's lesson page under gunicorn, in requests per second, ÷ hello-world Flask.

Both apps run under gunicorn with 2 sync workers at the same time; wrk (Debian package `wrk`)
loads them in turn with the same threads, connections, duration and headers (the sahayak's
session cookie), rounds interleaved so machine noise hits both alike. A Lua hook counts every
response that is not 200: a lesson page answered by a redirect to /login would not count.
For context it also loads /healthz of the same app with the same cookie: the floor that the
app's stack (session, user, language, limits, headers) sets before any page is built."""

import re
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from markupsafe import escape

from bench.web import build_site, quiz_lesson, sahayak_phone, signed_in, site_settings
from tests.livehttp import Browser
from tests.servers import running

ROUNDS = 3
SECONDS = 10
THREADS = 1
CONNECTIONS = 8
COUNT_NOT_200 = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not200 = 0 end
function response(status, headers, body) if status ~= 200 then not200 = not200 + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("not200") end
  io.write(string.format("not200: %d\\n", total))
end
"""


def wrk(url: str, cookie: str, script: Path, seconds: int) -> tuple[float, int]:
    """Requests per second and responses other than 200 (socket errors included) for one run."""
    command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s"]
    command += ["-H", f"Cookie: {cookie}", "-s", str(script), url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    rate = float(re.search(r"Requests/sec:\s*([\d.]+)", output).group(1))
    bad = int(re.search(r"not200: (\d+)", output).group(1))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return rate, bad + (sum(int(n) for n in socket.groups()) if socket else 0)


def checked_lesson(browser: Browser, url: str, title: str) -> None:
    """Fail unless the signed-in lesson page answers 200 with the lesson and its quiz."""
    reply = browser.get(url)
    if reply.status != 200 or str(escape(title)) not in reply.text or "/quizzes/submit" not in reply.text:
        raise RuntimeError(f"{url} answered {reply.status} {reply.location} instead of the lesson")


def measure(targets: dict[str, str], cookie: str, script: Path) -> dict[str, float]:
    """Median requests per second of each URL over interleaved rounds (after a warm-up)."""
    rates: dict[str, list[float]] = {name: [] for name in targets}
    for url in targets.values():
        wrk(url, cookie, script, 2)
    for round_ in range(1, ROUNDS + 1):
        for name, url in targets.items():
            rate, errors = wrk(url, cookie, script, SECONDS)
            print(f"round {round_}: {name} {rate:,.0f} req/s")
            if errors:
                raise RuntimeError(f"{name}: {errors} responses were not 200 under load")
            rates[name].append(rate)
    return {name: statistics.median(values) for name, values in rates.items()}


def run() -> tuple[float, str]:
    if shutil.which("wrk") is None:
        raise SystemExit("pages: needs the load generator wrk: apt-get install -y wrk")
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-pages-"))
    settings = site_settings(folder, f"sqlite:///{folder / 'pages.sqlite3'}")
    app, path = build_site(settings, 1)
    with app.app_context():
        title = quiz_lesson().title
    script = folder / "count-not-200.lua"
    script.write_text(COUNT_NOT_200)
    with (
        running(settings, folder / "lms.log") as site,
        running({}, folder / "hello.log", app="bench.hello:app") as hello,
    ):
        browser = signed_in(site.url, sahayak_phone(0))
        checked_lesson(browser, site.url + path, title)
        cookie = browser.cookie_header()
        targets = {"hello world": hello.url + "/", "lesson page": site.url + path}
        targets["app floor"] = site.url + "/healthz"  # the same stack and session, one SELECT 1
        rates = measure(targets, cookie, script)
        checked_lesson(browser, site.url + path, title)
    print(f"wrk: {THREADS} thread, {CONNECTIONS} connections, {ROUNDS} interleaved rounds of {SECONDS} s")
    print(f"hello world: {rates['hello world']:,.0f} req/s (median), gunicorn 2 workers")
    print(f"lesson page: {rates['lesson page']:,.0f} req/s (median), gunicorn 2 workers, SQLite, {path}")
    print(f"app floor:   {rates['app floor']:,.0f} req/s (median): /healthz through the same app, signed in")
    return rates["lesson page"] / rates["hello world"], "x"
