"""A signed-in sahayak's lesson page and the app's /healthz under gunicorn, in requests per
second, against hello-world Flask and against the peer (bench/peer.py: a minimal but
well-built Flask app with a 16 KB page).

All three run under gunicorn with 2 sync workers at the same time; wrk (Debian package `wrk`)
loads them in turn with the same threads, connections, duration and headers, rounds
interleaved so machine noise hits all alike. Each signed-in target gets its own session
cookie, and wrk sends the User-Agent the sign-in was made with (Flask-Login's session
protection otherwise marks the session and rewrites the cookie on every response). A Lua hook
counts every response that is not 200: a page answered by a redirect to /login would not count."""

import re
import shutil
import statistics
import subprocess
import tempfile
import urllib.request
from pathlib import Path

from markupsafe import escape

from bench.web import build_site, quiz_lesson, sahayak_phone, signed_in, site_settings
from tests.livehttp import Browser
from tests.servers import running

ROUNDS = 5
SECONDS = 10
THREADS = 1
CONNECTIONS = 8
# What tests/livehttp.py (urllib) signs in with; wrk sends the same.
USER_AGENT = dict(urllib.request.OpenerDirector().addheaders)["User-agent"]
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
    command += ["-H", f"Cookie: {cookie}", "-H", f"User-Agent: {USER_AGENT}", "-s", str(script), url]
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


def measure(targets: dict[str, tuple[str, str]], script: Path) -> dict[str, list[float]]:
    """Requests per second of each (URL, cookie) in each of the interleaved rounds (after a warm-up)."""
    rates: dict[str, list[float]] = {name: [] for name in targets}
    for url, cookie in targets.values():
        wrk(url, cookie, script, 2)
    for round_ in range(1, ROUNDS + 1):
        for name, (url, cookie) in targets.items():
            rate, errors = wrk(url, cookie, script, SECONDS)
            print(f"round {round_}: {name} {rate:,.0f} req/s")
            if errors:
                raise RuntimeError(f"{name}: {errors} responses were not 200 under load")
            rates[name].append(rate)
    return rates


def ratio(rates: dict[str, list[float]], name: str, yardstick: str) -> float:
    """The median over rounds of one target's rate ÷ the yardstick's in the same round: this
    machine's speed drifts between rounds, and a ratio within a round cancels most of it."""
    return statistics.median(a / b for a, b in zip(rates[name], rates[yardstick], strict=True))


def peer_cookie(peer: str) -> str:
    """The peer's session cookie for the benchmark sahayak, signed in as the peer allows."""
    browser = Browser()
    reply = browser.post(peer + "/login", {"phone": sahayak_phone(0)})
    if reply.status != 302 or browser.get(peer + "/lesson").status != 200:
        raise RuntimeError(f"the peer refused the sign-in: {reply.status}")
    return browser.cookie_header()


def page_size(url: str, cookie: str) -> int:
    """Bytes of a page's HTML as served with this cookie."""
    request = urllib.request.Request(url, headers={"Cookie": cookie, "User-Agent": USER_AGENT})  # noqa: S310
    with urllib.request.urlopen(request) as response:  # noqa: S310 (a local benchmark server)
        return len(response.read())


def run() -> tuple[float, str]:
    if shutil.which("wrk") is None:
        raise SystemExit("pages: needs the load generator wrk: apt-get install -y wrk")
    folder = Path(tempfile.mkdtemp(prefix="lms-bench-pages-"))
    settings = site_settings(folder, f"sqlite:///{folder / 'pages.sqlite3'}")
    app, path = build_site(settings, 1)
    with app.app_context():
        lesson = quiz_lesson()
        title, slug = lesson.title, lesson.slug
    script = folder / "count-not-200.lua"
    script.write_text(COUNT_NOT_200)
    with (
        running(settings, folder / "lms.log") as site,
        running({}, folder / "hello.log", app="bench.hello:app") as hello,
        running(settings | {"PEER_LESSON": slug}, folder / "peer.log", app="bench.peer:app") as peer,
    ):
        browser = signed_in(site.url, sahayak_phone(0))
        checked_lesson(browser, site.url + path, title)
        cookie, peers = browser.cookie_header(), peer_cookie(peer.url)
        targets = {
            "hello world": (hello.url + "/", ""),
            "peer": (peer.url + "/lesson", peers),
            "lesson page": (site.url + path, cookie),
            "healthz": (site.url + "/healthz", cookie),  # the same stack and session, one SELECT 1
        }
        sizes = {
            name: page_size(url, cookie) for name, (url, cookie) in targets.items() if name != "hello world"
        }
        per_round = measure(targets, script)
        checked_lesson(browser, site.url + path, title)
    rates = {name: statistics.median(values) for name, values in per_round.items()}
    print(f"wrk: {THREADS} thread, {CONNECTIONS} connections, {ROUNDS} interleaved rounds of {SECONDS} s")
    print(f"hello world: {rates['hello world']:,.0f} req/s (median), gunicorn 2 workers")
    print(f"peer:        {rates['peer']:,.0f} req/s (median), {sizes['peer']:,} bytes, bench/peer.py")
    print(
        f"lesson page: {rates['lesson page']:,.0f} req/s (median), {sizes['lesson page']:,} bytes, SQLite, {path}"
    )
    print(f"healthz:     {rates['healthz']:,.0f} req/s (median), signed in")
    print("ratios: medians over rounds of the ratio within each round")
    for name in ("lesson page", "healthz", "peer"):
        print(f"{name} ÷ hello world: {ratio(per_round, name, 'hello world'):.2f} x", end="")
        print("" if name == "peer" else f"; ÷ peer: {ratio(per_round, name, 'peer'):.2f} x")
    return ratio(per_round, "lesson page", "peer"), "x of the peer"
