"""docs/deploy.md, followed word for word as far as a machine without systemd or a public name
allows (issue 18), then the checks an operator's first weeks would make.

Its `sh` blocks run in order in one bash, as root, with the test's own names (step 1) and
these changes, each because this machine is not the operator's:
- paths outside the project (/etc/nginx, /etc/systemd/system, /var/backups) move under a
  temporary root, and `apt-get update` is left out (CI installs the packages; `apt-get
  install` still runs, so every package named exists);
- the blocks marked `systemd` write the units, `systemd-analyze verify` checks them, and the
  test starts what each unit's ExecStart says, as its User=, in its WorkingDirectory (two web
  instances, one job worker); `systemctl reload nginx` starts nginx on free ports;
- the block marked `tls` (certbot) becomes a self-signed certificate;
- Redis is a server of the test's own (it is stopped mid-run), PostgreSQL the machine's (a
  role and database of the test's own), pip takes wheels already on this machine first.

The checks: modes and owners; a command run as root straight in the checkout refused; a
sign-in through nginx on a port other than 443 (the CSRF check keeps the port); the site's own
413 page; the client's address in the access log; one instance's session used on the other;
Redis stopped mid-run; the schema behind the code; a reload under load losing nothing."""

import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from contextlib import suppress
from pathlib import Path

import pytest

from tests.servers import free_port
from tests.waiting import wait_until

pytestmark = pytest.mark.live

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "deploy.md"
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"  # Debian's python3, not pyenv's
BLOCK = re.compile(r"^```(sh(?: systemd| tls)?)\n(.*?)^```$", re.S | re.M)
ADMIN_PHONE, ADMIN_PASSWORD = "9830012345", "deploy-test-password"


def blocks() -> list[tuple[str, str]]:
    """The doc's shell blocks, in order, with their kind ("sh", "sh systemd", "sh tls")."""
    return [(match.group(1), match.group(2)) for match in BLOCK.finditer(DOC.read_text())]


class Site:
    """What the doc set up, and the processes the test started in systemd's place."""

    def __init__(self, base: Path):
        self.base = base
        self.home = base / "srv" / "lms"
        self.user = f"lmsdeploy{os.getpid() % 10000}"
        self.database = f"lms_deploy_{os.getpid()}"
        self.name = "lms.test"
        self.ports = [free_port(), free_port()]
        self.redis_port, self.http_port, self.https_port = free_port(), free_port(), free_port()
        self.processes: dict[str, subprocess.Popen] = {}
        self.logs = base / "logs"
        self.logs.mkdir()

    def names(self) -> str:
        """Step 1 with this test's names."""
        redis = f"redis://127.0.0.1:{self.redis_port}"
        return f"""
LMS_HOME={self.home}
LMS_USER={self.user}
LMS_DB={self.database}
LMS_SITE={self.name}
LMS_SOURCE={ROOT}
LMS_LIMITS_REDIS={redis}/0
LMS_JOBS_REDIS={redis}/1
LMS_PORTS="{" ".join(map(str, self.ports))}"
ADMIN_PHONE={ADMIN_PHONE}
ADMIN_NAME="Deploy test admin"
ADMIN_PASSWORD={ADMIN_PASSWORD}
"""

    def moved(self, text: str) -> str:
        """Paths outside the project, under the test's root."""
        for path in ("/etc/nginx/", "/etc/systemd/system", "/var/backups/lms"):
            text = text.replace(path, f"{self.base}{path}")
        return text

    def unit(self, name: str) -> Path:
        return self.base / "etc" / "systemd" / "system" / name

    def start_unit(self, unit: str, instance: str = "") -> subprocess.Popen:
        """Start what a unit's ExecStart says, as its User=, where it says, as systemd would."""
        text = self.unit(unit).read_text().replace("%i", instance)
        runtime = re.search(r"^RuntimeDirectory=(.*)$", text, re.M)
        if runtime:  # systemd makes it, empty, for the unit's user: here under the test's root
            folder = self.base / "run" / runtime.group(1)
            folder.mkdir(parents=True)
            shutil.chown(folder, self.user, self.user)
            text = text.replace(f"/run/{runtime.group(1)}", str(folder))
        setting = lambda key: re.search(rf"^{key}=(.*)$", text, re.M).group(1)  # noqa: E731
        environment = {"PATH": SYSTEM_PATH, "LANG": "C.UTF-8"}
        for line in re.findall(r"^Environment=(.*)$", text, re.M):
            environment |= dict(pair.split("=", 1) for pair in line.split())
        with (self.logs / f"{unit}{instance}.log").open("ab") as log:
            process = subprocess.Popen(
                ["runuser", "-u", setting("User"), "--", "env", "-i", *(f"{k}={v}" for k, v in environment.items()),
                 "sh", "-c", f"umask {setting('UMask')}; exec {setting('ExecStart')}"],
                cwd=setting("WorkingDirectory"), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        self.processes[f"{unit}{instance}"] = process
        return process

    def url(self, port: int, path: str = "/healthz") -> str:
        return f"http://127.0.0.1:{port}{path}"

    def stop(self) -> None:
        for process in self.processes.values():
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes.values():
            with suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)


def run_bash(script: str, site: Site, check: bool = True) -> subprocess.CompletedProcess:
    environment = {
        "PATH": SYSTEM_PATH,
        "HOME": "/root",
        "LANG": "C.UTF-8",
        "PIP_FIND_LINKS": str(site.base / "wheels"),  # wheels already here first, the index for the rest
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    done = subprocess.run(
        ["/bin/bash", "-euo", "pipefail", "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        cwd="/",
    )
    if check and done.returncode != 0:
        raise AssertionError(
            f"exit {done.returncode}\n{script}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
    return done


def status(url: str, context: ssl.SSLContext | None = None, headers: dict | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (local URLs)
    try:
        with urllib.request.urlopen(request, timeout=10, context=context) as reply:  # noqa: S310
            return reply.status, reply.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def site():
    """The site deployed by the doc, torn down afterwards (user, database, processes, files)."""
    if os.geteuid() != 0:
        pytest.fail("tests/test_deploy.py follows docs/deploy.md as root: it creates a system user")
    # Not under pytest's own temporary folder: any other pytest starting meanwhile (a second
    # suite on the machine) makes /tmp/pytest-of-root private again, and the service's user
    # could no longer reach its checkout below it.
    base = Path(tempfile.mkdtemp(prefix="lms-deploy-"))
    base.chmod(0o755)  # the service's user reaches its checkout below it
    for parent in base.parents:
        if parent != Path("/") and parent.stat().st_mode & 0o005 != 0o005:
            parent.chmod(parent.stat().st_mode | 0o005)
    site = Site(base)
    subprocess.run(
        [str(ROOT / ".venv/bin/pip"), "download", "--quiet", "-d", str(base / "wheels"), "-r", str(ROOT / "requirements.txt")],
        check=True, capture_output=True,
    )  # fmt: skip
    redis = subprocess.Popen(
        ["redis-server", "--port", str(site.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    site.processes["redis"] = redis
    try:
        yield deploy(site)
    finally:
        site.stop()
        run_bash(
            f"runuser -u postgres -- dropdb --if-exists {site.database}; "
            f"runuser -u postgres -- psql -q -c 'DROP ROLE IF EXISTS \"{site.database}\"'; "
            f"userdel {site.user} 2>/dev/null || true",
            site, check=False,
        )  # fmt: skip
        shutil.rmtree(base, ignore_errors=True)


def deploy(site: Site) -> Site:
    """Every block of the doc, in order, as the module docstring says."""
    site.unit("x").parent.mkdir(parents=True)
    prepare_nginx(site)
    script = []
    for kind, text in blocks():
        if "read -rs" in text:  # step 1: the names (again at the top of each later part: see below)
            script.append(site.names())
        elif kind == "sh tls":
            script.append(self_signed_certificate(site))
        elif kind == "sh systemd":
            script.append(site.moved(re.sub(r"systemctl [^;\n]*", ":", text)))  # no systemd here
            run_bash("\n".join(script), site)
            script = [site.names()]  # a new shell after the test's part: the names again
            (start_services if "lms-web@.service" in text else start_nginx)(site)
        else:
            text = site.moved(text.replace("apt-get update -q\n", ""))
            available = f"{site.base}/etc/nginx/sites-available/lms"
            text = text.replace(
                "\nnginx -t\n",
                f"\nsed -i 's#/etc/letsencrypt/#{site.base}/etc/letsencrypt/#' {available}"
                f"\nnginx -t -c {site.base}/etc/nginx/nginx.conf\n",
            )
            script.append(text)
    if script:
        run_bash("\n".join(script), site)
    return site


def self_signed_certificate(site: Site) -> str:
    live = f"{site.base}/etc/letsencrypt/live/{site.name}"
    return (
        f"mkdir -p {live}\n"
        f"openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN={site.name} "
        f"-keyout {live}/privkey.pem -out {live}/fullchain.pem 2>/dev/null\n"
    )


def prepare_nginx(site: Site) -> None:
    """Debian's nginx.conf under the test's root: its own pid, logs and sites-enabled."""
    etc = site.base / "etc" / "nginx"
    for folder in ("sites-available", "sites-enabled"):
        (etc / folder).mkdir(parents=True, exist_ok=True)
    main = Path("/etc/nginx/nginx.conf").read_text()
    main = main.replace("include /etc/nginx/sites-enabled/*;", f"include {etc}/sites-enabled/*;")
    main = re.sub(r"^pid .*;$", f"pid {site.base}/nginx.pid;", main, flags=re.M)
    main = re.sub(r"^user .*;$", "user www-data;", main, flags=re.M)
    main = main.replace("access_log /var/log/nginx/access.log;", f"access_log {site.logs}/nginx-access.log;")
    main = main.replace("error_log /var/log/nginx/error.log;", f"error_log {site.logs}/nginx-error.log;")
    (etc / "nginx.conf").write_text(main)


def start_services(site: Site) -> None:
    """`systemd-analyze verify` the units, then start two instances and the job worker."""
    for unit in ("lms-jobs.service", "lms-backup.service", "lms-backup.timer"):
        assert site.unit(unit).exists()
    verify = [str(site.unit(name)) for name in ("lms-jobs.service", "lms-backup.service")]
    instance = site.unit(f"lms-web@{site.ports[0]}.service")
    shutil.copyfile(site.unit("lms-web@.service"), instance)
    done = subprocess.run(["systemd-analyze", "verify", "--man=no", str(instance), *verify],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    instance.unlink()
    for port in site.ports:
        site.start_unit("lms-web@.service", str(port))
    site.start_unit("lms-jobs.service")
    for port in site.ports:
        wait_until(
            lambda port=port: status(site.url(port))[0] == 200,
            60,
            f"the instance on {port}",
            ignoring=(OSError,),
        )


def start_nginx(site: Site) -> None:
    """nginx with the site's file, its ports moved to free ones (80 and 443 may be taken)."""
    available = site.base / "etc" / "nginx" / "sites-available" / "lms"
    text = available.read_text()
    text = re.sub(r"^\s*listen \[::\].*\n", "", text, flags=re.M)  # no IPv6 on every test machine
    text = text.replace("listen 80;", f"listen {site.http_port};")
    text = text.replace("listen 443 ssl http2;", f"listen {site.https_port} ssl http2;")
    text = text.replace(
        "return 301 https://$host$request_uri;", f"return 301 https://$host:{site.https_port}$request_uri;"
    )
    available.write_text(text)
    conf = site.base / "etc" / "nginx" / "nginx.conf"
    site.processes["nginx"] = subprocess.Popen(
        ["nginx", "-c", str(conf), "-g", "daemon off;"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    wait_until(lambda: listening(site.https_port), 30, "nginx to listen", ignoring=(OSError,))


def listening(port: int) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=1):
        return True


def https(_site: Site) -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the test's self-signed certificate
    return context


class Front:
    """A browser on the site's name and HTTPS port, through nginx (the name resolved to this
    machine): cookies kept, the Referer a browser sends."""

    def __init__(self, site: Site, language: str = "en"):
        self.site, self.cookies, self.language = site, {}, language
        self.origin = f"https://{site.name}:{site.https_port}"

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPSConnection(
            "127.0.0.1", self.site.https_port, context=https(self.site), timeout=30
        )
        sent = {
            "Host": f"{self.site.name}:{self.site.https_port}",
            "Referer": self.origin + path,
            "Accept-Language": self.language,
            "Cookie": "; ".join(f"{name}={value}" for name, value in self.cookies.items()),
        } | (headers or {})
        connection.request(method, path, body=body, headers=sent)
        reply = connection.getresponse()
        text = reply.read().decode("utf-8", "replace")
        for cookie in reply.headers.get_all("Set-Cookie") or []:
            name, rest = cookie.split("=", 1)
            self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return reply.status, reply.headers, text

    def sign_in(self, phone: str, password: str):
        _, _, page = self.request("GET", "/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"phone": phone, "password": password, "csrf_token": token}).encode()
        return self.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})


def bin_lms(site: Site, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run_bash(f"cd {site.home} && bin/lms {' '.join(args)}", site, check=check)


def test_nginx_takes_the_site_without_a_warning_and_leaves_caching_to_the_app(site):
    checked = subprocess.run(
        ["nginx", "-t", "-c", str(site.base / "etc" / "nginx" / "nginx.conf")], capture_output=True, text=True
    )
    assert checked.returncode == 0 and "[warn]" not in checked.stderr, checked.stderr
    front = Front(site)
    _, _, page = front.request("GET", "/login")
    stylesheet = re.search(r'href="(/static/style\.css\?v=[0-9a-f]+)"', page).group(1)
    code, headers, _ = front.request("GET", stylesheet)
    assert (
        code == 200
        and "immutable" in headers["Cache-Control"]
        and "max-age=31536000" in headers["Cache-Control"]
    )
    assert headers.get("Expires") is None  # nginx adds no caching of its own


def test_the_instances_report_every_dependency(site):
    for port in site.ports:
        code, body = status(site.url(port))
        assert code == 200
        assert '"database": "ok"' in body and '"migrations": "ok"' in body and '"redis": "ok"' in body


def test_modes_and_owners(site):
    instance = site.home / "instance"
    assert oct(instance.stat().st_mode & 0o777) == "0o700"
    assert oct((instance / "config.py").stat().st_mode & 0o777) == "0o600"
    owners = {path.owner() for path in instance.rglob("*")} | {instance.owner()}
    assert owners == {site.user}


def test_a_command_as_root_in_the_checkout_is_refused_and_bin_lms_runs_it_as_the_user(site):
    before = sorted(str(path) for path in (site.home / "instance").rglob("*"))
    refused = run_bash(
        f"cd {site.home} && FLASK_APP=wsgi .venv/bin/flask certificates render --all", site, check=False
    )
    assert refused.returncode == 1 and f"run this command as {site.user}" in refused.stderr
    assert sorted(str(path) for path in (site.home / "instance").rglob("*")) == before
    backups = site.base / "var" / "backups" / "lms"
    bin_lms(site, "backup", str(backups / "first.tar"))
    archive = backups / "first.tar"
    assert archive.owner() == site.user and oct(archive.stat().st_mode & 0o777) == "0o600"


def test_signing_in_through_nginx_on_another_port_and_using_either_instance(site):
    plain = http.client.HTTPConnection("127.0.0.1", site.http_port, timeout=10)
    plain.request("GET", "/login", headers={"Host": site.name})
    moved = plain.getresponse()
    moved.read()
    plain.close()
    assert moved.status == 301 and moved.headers["Location"].startswith(f"https://{site.name}")
    front = Front(site)
    code, headers, _ = front.sign_in(ADMIN_PHONE, ADMIN_PASSWORD)  # the CSRF check sees the port
    assert code == 302 and not headers["Location"].endswith("/login"), code
    code, headers, _ = front.request("GET", "/")
    assert code == 200 and "max-age=31536000" in headers["Strict-Transport-Security"]
    session = {"Cookie": f"session={front.cookies['session']}", "X-Forwarded-Proto": "https"}
    for port in site.ports:  # the same session on each instance: they share the secret key
        assert status(site.url(port, "/"), headers=session)[0] == 200


def test_an_upload_too_large_gets_the_sites_own_page_in_the_readers_language(site):
    connection = http.client.HTTPSConnection("127.0.0.1", site.https_port, context=https(site), timeout=30)
    connection.putrequest("POST", "/login", skip_host=True)
    connection.putheader("Host", f"{site.name}:{site.https_port}")
    connection.putheader("Accept-Language", "bn")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", str(26 * 1024 * 1024))  # refused before any of it is sent
    connection.endheaders()
    reply = connection.getresponse()
    page = reply.read().decode()
    assert reply.status == 413
    assert (
        'lang="bn"' in page and "Sahayak LMS" not in page.split("<main", 1)[0]
    )  # the site's page, in Bengali


def test_metrics_add_up_every_worker_and_stay_off_the_public_site(site):
    config = (site.home / "instance" / "config.py").read_text()
    token = re.search(r'^METRICS_TOKEN = "([^"]+)"', config, re.M).group(1)
    sample = 'lms_request_duration_seconds_count{endpoint="main.too_large",method="GET",status="413"}'

    def count() -> float:
        code, text = status(site.url(site.ports[0], "/metrics"), headers={"Authorization": f"Bearer {token}"})
        assert code == 200 and 'lms_people{role="admin"} 1.0' in text
        found = re.search(rf"^{re.escape(sample)} (\S+)$", text, re.M)
        return float(found.group(1)) if found else 0.0

    before = count()
    for _ in range(20):  # spread over both workers of the instance
        status(site.url(site.ports[0], "/errors/413"))
    assert count() - before == 20
    front = http.client.HTTPSConnection("127.0.0.1", site.https_port, context=https(site), timeout=10)
    front.request("GET", "/metrics", headers={"Host": site.name, "Authorization": f"Bearer {token}"})
    public = front.getresponse()
    public.read()
    front.close()
    assert public.status == 404


def test_the_access_log_names_the_client_not_the_proxy(site):
    status(site.url(site.ports[0], "/healthz?from-the-test"), headers={"X-Forwarded-For": "203.0.113.7"})
    log = site.logs / f"lms-web@.service{site.ports[0]}.log"
    wait_until(
        lambda: "203.0.113.7" in log.read_text() and "from-the-test" in log.read_text(),
        30,
        "the access log line",
    )


def test_with_redis_stopped_mid_run_people_still_sign_in(site):
    redis = site.processes["redis"]
    os.killpg(redis.pid, signal.SIGTERM)
    redis.wait(timeout=10)
    try:
        wait_until(
            lambda: '"redis": "unavailable"' in status(site.url(site.ports[1]))[1],
            30,
            "healthz to see Redis gone",
            ignoring=(OSError,),
        )
        assert status(site.url(site.ports[1]))[0] == 200
        code, headers, _ = Front(site).sign_in(ADMIN_PHONE, ADMIN_PASSWORD)
        assert code == 302 and not headers["Location"].endswith("/login")
    finally:
        site.processes["redis"] = subprocess.Popen(
            ["redis-server", "--port", str(site.redis_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    wait_until(
        lambda: '"redis": "ok"' in status(site.url(site.ports[1]))[1],
        30,
        "healthz to see Redis back",
        ignoring=(OSError,),
    )


def test_a_schema_behind_the_code_gets_503_until_migrated(site):
    """Each worker asks the database again within SCHEMA_CHECK_SECONDS (5): after that every
    page of every worker answers 503, and again 200 once migrated."""

    def answers() -> set[int]:
        """The status codes of six requests to each instance, reaching (nearly always) every worker."""
        return {status(site.url(port, "/login"))[0] for port in site.ports for _ in range(6)}

    bin_lms(site, "db", "downgrade")
    try:
        wait_until(lambda: answers() == {503}, 30, "every worker to answer 503 (the schema behind the code)")
        for port in site.ports:
            code, body = status(site.url(port, "/login"), headers={"Accept-Language": "hi"})
            assert code == 503 and 'lang="hi"' in body
            code, body = status(site.url(port))
            assert code == 503 and '"migrations": "behind"' in body
    finally:
        bin_lms(site, "db", "upgrade")
    wait_until(lambda: answers() == {200}, 30, "every worker to answer 200 again (migrated)")


def test_a_reload_under_load_loses_nothing(site):
    codes: list[int] = []
    stop = threading.Event()

    def load() -> None:
        while not stop.is_set():
            codes.append(status(site.url(site.ports[0], "/login"))[0])

    workers = [threading.Thread(target=load) for _ in range(4)]
    for worker in workers:
        worker.start()
    try:
        wait_until(lambda: len(codes) >= 30, 60, "30 answers before the reload")
        master = site.processes[f"lms-web@.service{site.ports[0]}"]
        before = children(master.pid)
        reload = site.unit("lms-web@.service").read_text()
        assert "ExecReload=/bin/kill -s HUP $MAINPID" in reload
        gunicorn = int(
            subprocess.run(["pgrep", "-P", str(master.pid)], capture_output=True, text=True).stdout.split()[0]
        )
        os.kill(gunicorn, signal.SIGHUP)  # what ExecReload does to the unit's main process
        wait_until(lambda: children(gunicorn) and not children(gunicorn) & before, 60, "new workers")
        served = len(codes)
        wait_until(lambda: len(codes) >= served + 30, 60, "30 answers after the new workers started")
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert len(codes) > 50 and set(codes) == {200}, {code: codes.count(code) for code in set(codes)}


def children(pid: int) -> set[int]:
    """The process ids of a process's children and grandchildren."""
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    kids = {int(child) for child in found}
    return kids | {grandchild for kid in kids for grandchild in children(kid)}
