"""Sign-ins kept on the server: the session cookie holds a random key whose hash is a SignIn
row, checked when the user is loaded. A copied cookie stops working when its owner signs
out, changes their password, is given a new one or is deactivated, on every instance."""

import hashlib
import re
import secrets
from datetime import timedelta
from functools import cache
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask_login import login_user, logout_user
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import Select, bindparam, exists, select, update
from sqlalchemy.orm import lazyload

from lms.auth.models import SignIn, User
from lms.core.clock import as_utc, utcnow
from lms.core.errors import NotFound
from lms.core.transactions import apart, service
from lms.extensions import db

SESSION_KEY = "sign_in"
SEEN_EVERY = timedelta(minutes=10)  # last_seen_at is written at most this often per sign-in


class KeptSerializerSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, the signing serializer made once per app and secret:
    Flask makes a new one for every request, and itsdangerous tries each new one's JSON
    serializer out by dumping `{}` (about 20 µs a request)."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        secrets_now = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        made = app.extensions.get("lms.session_serializer")
        if made is None or made[0] != secrets_now:
            made = (secrets_now, super().get_signing_serializer(app))
            app.extensions["lms.session_serializer"] = made
        return made[1]

    def save_session(self, app: Flask, session, response) -> None:
        """Flask's, but never a session cookie set or deleted in answer to a cross-site request
        that came without one: a form on another site posted here (SameSite keeps the cookie
        back) would otherwise replace the visitor's session cookie and sign them out."""
        if not cookieless_cross_site(app):
            super().save_session(app, session, response)


def cookieless_cross_site(app: Flask) -> bool:
    """Whether this request came from another site and carried no session cookie."""
    if app.config["SESSION_COOKIE_NAME"] in request.cookies:
        return False
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    return bool(origin) and urlsplit(origin).netloc != request.host


def sign_in(user: User) -> None:
    """Sign the user in on this browser: a new SignIn row, its key in the session cookie.
    The row is committed before Flask-Login says who signed in, so what answers that (answers
    kept across an expired session) runs in a transaction of its own."""
    use(user, open_sign_in(user.id, this_device()))


@service
def open_sign_in(user_id: int, device: str) -> str:
    """Open a sign-in for a user; its key, for the session cookie."""
    return add_sign_in(user_id, device)


def use(user: User, key: str) -> None:
    """Make this browser's session the sign-in with this key (a new cookie is sent)."""
    session.permanent = True  # stay signed in on a shared phone only as long as configured
    login_user(user)
    session[SESSION_KEY] = key
    g.pop("sign_in_id", None)  # the old one's, if any: it has ended


def this_device() -> str:
    """This request's browser and system, as the sign-ins page names them."""
    return describe_device(request.user_agent.string)


def add_sign_in(user_id: int, device: str) -> str:
    """Add a sign-in for a user; its key, for the session cookie (flushes)."""
    key = secrets.token_urlsafe(32)
    db.session.add(SignIn(user_id=user_id, key_hash=_hash(key), device=device[:100]))
    db.session.flush()
    return key


@cache
def _user_of_sign_in() -> Select:
    """The loader's query, built once: constructing it cost more than running it. The region
    is loaded only by pages that ask for it (most check a role, not a place)."""
    return (
        select(User, SignIn.id, SignIn.last_seen_at)
        .join(SignIn, SignIn.user_id == User.id)
        .where(
            SignIn.key_hash == bindparam("key_hash"),
            SignIn.ended_at.is_(None),
            User.id == bindparam("user_id"),
            User.active,
        )
        .options(lazyload(User.region))
    )


def load(user_id: str) -> User | None:
    """The user of the session's sign-in, if it is still open, theirs, recent and they are
    active (one query); remembers the sign-in's id for this request."""
    key = session.get(SESSION_KEY)
    if not key or not user_id.isdigit():
        return None
    row = db.session.execute(_user_of_sign_in(), {"key_hash": _hash(key), "user_id": int(user_id)}).first()
    if row is None:
        return None
    user, sign_in_id, last_seen = row
    now = utcnow()
    if as_utc(last_seen) < now - current_app.config["PERMANENT_SESSION_LIFETIME"]:
        return None
    if as_utc(last_seen) < now - SEEN_EVERY:
        with apart() as connection:  # whatever the request goes on to do or undo
            connection.execute(update(SignIn).where(SignIn.id == sign_in_id).values(last_seen_at=now))
        session.modified = True  # the cookie's expiry slides with the sign-in's, at most this often
    g.sign_in_id = sign_in_id
    return user


def signed_in_before(phone: str) -> bool:
    """Whether the user with this number ever signed in (False for an unknown number)."""
    query = select(exists().where(SignIn.user_id == User.id, User.phone == phone))
    return bool(db.session.execute(query).scalar())


def current_id() -> int | None:
    """The id of this request's sign-in, once the user was loaded."""
    return g.get("sign_in_id")


@service
def sign_out() -> None:
    """End this browser's sign-in on the server and forget it here."""
    if current_id() is not None:
        _end(SignIn.id == current_id())
    logout_user()
    session.pop(SESSION_KEY, None)


def end_all(user_id: int, keep: int | None = None) -> int:
    """End every open sign-in of a user but `keep`; how many ended (flushes, no commit)."""
    condition = SignIn.user_id == user_id
    if keep is not None:
        condition &= SignIn.id != keep
    return _end(condition)


@service
def end_others(user: User) -> int:
    """Sign the user out everywhere but this browser; how many sign-ins ended."""
    return end_all(user.id, keep=current_id())


@service
def end_one(user: User, sign_in_id: int) -> None:
    """End one of the user's own sign-ins (NotFound for anyone else's)."""
    if not _end((SignIn.id == sign_in_id) & (SignIn.user_id == user.id)):
        raise NotFound


def open_sign_ins(user: User) -> list[SignIn]:
    """The user's sign-ins still open and recent, most recently seen first."""
    since = utcnow() - current_app.config["PERMANENT_SESSION_LIFETIME"]
    query = (
        select(SignIn)
        .where(SignIn.user_id == user.id, SignIn.ended_at.is_(None), SignIn.last_seen_at >= since)
        .order_by(SignIn.last_seen_at.desc(), SignIn.id.desc())
    )
    return list(db.session.execute(query).scalars())


BROWSERS = [("SamsungBrowser", "Samsung Internet"), ("UCBrowser", "UC Browser"), ("OPR/", "Opera"),
            ("Edg", "Edge"), ("Firefox", "Firefox"), ("Chrome", "Chrome"), ("Safari", "Safari")]  # fmt: skip
SYSTEMS = [("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
           ("Mac OS X", "Mac"), ("CrOS", "ChromeOS"), ("Linux", "Linux")]  # fmt: skip


def describe_device(agent: str) -> str:
    """A short name for the browser and system of a user agent, e.g. 'Chrome · Android'."""
    browser = next((name for token, name in BROWSERS if token in agent), "")
    system = next((name for token, name in SYSTEMS if token in agent), "")
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or re.sub(r"[^\x20-\x7e]", "", agent)[:60]


def _end(condition) -> int:
    """Mark the open sign-ins matching `condition` ended now; how many."""
    result = db.session.execute(
        update(SignIn).where(condition, SignIn.ended_at.is_(None)).values(ended_at=utcnow())
    )
    return result.rowcount


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()
