"""Configuration: defaults, instance/config.py, LMS_ environment variables, secret key."""

import logging
import os
import secrets
from contextlib import suppress
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask

from lms.core.files import private_folder, write_atomic

SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name)
REDIS_TIMEOUT_SECONDS = 1
REDIS_SCHEMES = ("redis://", "rediss://", "redis+sentinel://", "redis+cluster://", "redis+unix://")


class Defaults:
    """Settings every deployment starts from; see docs/configuration.md."""

    SQLALCHEMY_DATABASE_URI = None  # filled in with instance/lms.sqlite3
    SQLITE_BUSY_TIMEOUT_MS = 5000
    DATABASE_POOL_SIZE = 2  # PostgreSQL connections each process keeps (docs/deploy.md, capacity)
    DATABASE_MAX_OVERFLOW = 2  # and may open beyond them at a busy moment
    SCHEMA_CHECK_SECONDS = 5  # how often each instance compares the database's migration with the code's
    COURSES_DIR = None  # filled in with <project>/courses
    PUBLIC_BASE_URL = None  # printed on certificates: set to the public address (else this machine's)
    LOCAL_PORT = None  # the port `make run` serves on (it sets LMS_LOCAL_PORT)
    VERIFY_LIMIT_PER_ADDRESS = "60 per 15 minutes"
    COURSE_MAX_BYTES = 20 * 1024 * 1024
    COURSE_MAX_FILES = 500
    LESSON_MAX_BYTES = 256 * 1024  # one Markdown file; larger ones are a problem, never rendered
    RENDER_SECONDS = 2.0  # time budget to render one Markdown file (python-markdown can go quadratic)
    LANGUAGES = ("en", "bn", "hi")
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "Asia/Kolkata"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(days=14)
    # The cookie is re-sent only when the session changes, or when the sign-in is marked seen
    # (lms/auth/sessions.py, every SEEN_EVERY): not re-signed on every response.
    SESSION_REFRESH_EACH_REQUEST = False
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session: slow phones keep forms open
    IMPORT_MAX_ROWS = 2_000  # people in one CSV import (web, job or command line): split larger files
    IMPORT_LIMIT_PER_ACCOUNT = "30 per hour"  # CSV uploads of people (imports, batch members) per account
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024  # room for a course .zip with its images
    # Any other body (forms) and each text field of an upload; the editor posts a whole lesson:
    # LESSON_MAX_BYTES of Bengali, percent-encoded, is three times as long (lms/core/bodies.py).
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    CERTIFICATE_ART_MAX_BYTES = 2_000_000  # an emblem or signature as uploaded (PNG or JPEG)
    RATELIMIT_STORAGE_URI = "database://"  # shared by every worker; redis://… for several machines
    RATELIMIT_HEADERS_ENABLED = True
    # Redis down: sign-in and every page keep working, each process counting on its own meanwhile.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    METRICS_TOKEN = None  # GET /metrics for Prometheus, with "Authorization: Bearer <token>" (off when None)
    HEALTH_CHECK_SECONDS = 5  # how often /healthz asks Redis and the job queue (per process)
    LOGIN_LIMIT_PER_NUMBER_AND_ADDRESS = "5 per 15 minutes"  # wrong passwords for one number from one address
    LOGIN_LIMIT_PER_ADDRESS = "300 per 15 minutes"  # a 200-seat workshop signs in from one address
    LOGIN_FREE_FAILURES_PER_NUMBER = 20  # wrong passwords a day for a number, from anywhere, before waits
    LOGIN_FAILURE_WINDOW_SECONDS = 24 * 3600
    LOGIN_FIRST_WAIT_SECONDS = 60  # then each further wrong password doubles the wait…
    LOGIN_LONGEST_WAIT_SECONDS = 3600  # …up to this (browsers where the number signed in never wait)
    PASSWORD_CHANGE_LIMIT = "10 per 15 minutes"  # noqa: S105 (failed tries at /password per account)
    JOIN_LIMIT_PER_ADDRESS = "300 per 15 minutes"  # generous: a workshop may share one address
    PENDING_ANSWERS_LIMIT_PER_ADDRESS = "300 per hour"  # quiz answers sent after the session ended
    PENDING_ANSWERS_PER_ADDRESS = 500  # such answers kept at once for one address
    PENDING_ANSWERS_HOURS = 48  # how long they wait for their owner to sign in again
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105 (a hash method)
    PASSWORD_MIN_LENGTH = 8
    ONE_TIME_PASSWORD_DAYS = 14  # a one-time password stops working after this
    SHEETS_KEEP_DAYS = 7  # password sheets are deleted after this, handed out or not
    PROXY_FIX_X_FOR = 0
    PROXY_FIX_X_PROTO = 0
    JOBS_URL = None  # redis://… for several app instances and workers; else instance/jobs.sqlite3
    JOBS_NAME = "lms"  # the queue's name (several sites may share one Redis)
    JOBS_IMMEDIATE = False  # run jobs inside the request that starts them (tests)
    JOBS_INLINE_MAX = 20  # bulk work up to this many items is done at once, without a job
    JOBS_KEEP_HOURS = 72  # how long finished jobs' results (ZIPs, sheets) are kept
    JOBS_STALLED_MINUTES = 5  # /healthz says "stalled" when a job waits longer for a worker
    JOBS_LEASE_SECONDS = 120  # a job whose worker shows no progress for this long is run again
    JOBS_MAX_RUNS = 3  # …at most this many times in all: then it fails, saying why (a crash a time)
    USERS_PER_PAGE = 50


def load_config(app: Flask, test_config: dict | None) -> None:
    """Apply defaults, then instance/config.py and LMS_* variables, or the test mapping."""
    app.config.from_object(Defaults)
    if test_config is None:
        private_settings(Path(app.instance_path) / "config.py")
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("LMS")
    else:
        app.config.from_mapping(test_config)
    instance = Path(app.instance_path)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'lms.sqlite3'}"
    if not app.config["PUBLIC_BASE_URL"]:  # this machine: `make run`'s port, `flask run`'s, or 8000
        port = app.config["LOCAL_PORT"] or os.environ.get("FLASK_RUN_PORT") or 8000
        app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{port}"
    if not app.config["COURSES_DIR"]:
        app.config["COURSES_DIR"] = str(Path(app.root_path).parent / "courses")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(instance)
    if redis_limits(app):
        # An unreachable Redis must cost a sign-in a second at most, not the system's TCP timeout.
        options = app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {})
        options.setdefault("socket_connect_timeout", REDIS_TIMEOUT_SECONDS)
        options.setdefault("socket_timeout", REDIS_TIMEOUT_SECONDS)


def private_settings(path: Path) -> None:
    """instance/config.py holds the secret key and the database password: readable by the
    service's user only. One made readable by others (an editor, a copy, an old guide) is
    tightened, with a warning, when this user owns it."""
    with suppress(FileNotFoundError):
        info = path.stat()
        if info.st_mode & 0o077 and info.st_uid == os.geteuid():
            path.chmod(0o600)
            logging.getLogger(__name__).warning(
                "%s was readable by others: now 0600 (the service's user only)", path
            )


def redis_limits(app: Flask) -> bool:
    """Whether the rate-limit counters live in Redis (RATELIMIT_STORAGE_URI)."""
    return str(app.config["RATELIMIT_STORAGE_URI"]).startswith(REDIS_SCHEMES)


def address_for_this_machine_only(app: Flask) -> bool:
    """Whether certificates would print an address only this machine opens, outside `make
    run` (which tries the software on this machine, where that address is right)."""
    return loopback_address(app) and not app.config["LOCAL_PORT"]


def loopback_address(app: Flask) -> bool:
    """Whether PUBLIC_BASE_URL is this machine's own (no public address configured)."""
    host = urlsplit(app.config["PUBLIC_BASE_URL"]).hostname or ""
    return host == "localhost" or host.startswith("127.") or host == "::1"


def instance_secret_key(instance: Path) -> str:
    """Read the secret key from instance/, creating it once (atomic when workers race)."""
    path = instance / SECRET_KEY_FILE
    if not path.exists():
        private_folder(instance)
        # exclusive: when workers race, the first key written is the one every worker reads
        write_atomic(path, secrets.token_hex(32).encode(), mode=0o600, exclusive=True)
    return path.read_text().strip()
