"""Sign-in rules: passwords, authentication, one-time passwords, resets."""

import math
import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from werkzeug.security import check_password_hash, generate_password_hash

from lms.auth import throttle
from lms.auth.models import User
from lms.auth.permissions import may, user_in_scope
from lms.auth.sessions import add_sign_in, end_all, signed_in_before
from lms.core.clock import as_utc, utcnow
from lms.core.errors import NotFound
from lms.core.kept import kept
from lms.core.phones import PhoneError, normalise_phone
from lms.core.readable import READABLE_ALPHABET, readable_code
from lms.core.transactions import service
from lms.extensions import db

OTP_ALPHABET = READABLE_ALPHABET  # one-time passwords are read aloud and copied from paper
OTP_LENGTH = 8


class AuthError(Exception):
    """A sign-in or password rule was broken; str() is a translatable message."""


class MustWait(AuthError):
    """Too many wrong passwords were tried for the number: it must wait `seconds`."""

    def __init__(self, seconds: int) -> None:
        minutes = math.ceil(seconds / 60)
        super().__init__(
            lazy_ngettext(
                "Too many wrong passwords were tried for this number. Try again in %(num)d "
                "minute, or on a phone where you signed in before.",
                "Too many wrong passwords were tried for this number. Try again in %(num)d "
                "minutes, or on a phone where you signed in before.",
                minutes,
            )
        )
        self.seconds = seconds


def hash_password(password: str) -> str:
    """Hash with the configured strong method (scrypt by default)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def sign_in_check(raw_phone: str, password: str, known_here: Callable[[str], bool], address: str) -> User:
    """authenticate, each try first taking its place in the sign-in budgets of the number and
    the address (TooManyTries when spent; only wrong passwords keep their place), and
    throttled per number: unless the number is known on this browser (`known_here(phone)`) or
    has never signed in anywhere, refuse while it must wait and count a wrong password."""
    try:
        phone, unreadable = normalise_phone(raw_phone), None
    except PhoneError as error:
        phone, unreadable = "invalid", AuthError(str(error))
    taken = throttle.take_try(phone, address)
    try:
        if unreadable is not None:
            raise unreadable
        user = _throttled_check(phone, password, known_here)
    except MustWait:
        throttle.give_back(taken)
        raise
    except AuthError:
        raise  # a wrong password (or number) keeps its place in the budgets
    throttle.give_back(taken)
    return user


def _throttled_check(phone: str, password: str, known_here: Callable[[str], bool]) -> User:
    """authenticate, unless the number must wait; count a wrong password towards the waits.
    A number known on this browser never waits, nor one that never signed in anywhere (a
    freshly imported person's one-time password is not held up by others' guesses; an
    unregistered number is treated alike, so waits do not tell who is registered)."""
    exempt = known_here(phone) or not signed_in_before(phone)
    if not exempt and (seconds := throttle.wait_seconds(phone)):
        raise MustWait(seconds)
    try:
        return authenticate(phone, password)
    except AuthError:
        if not exempt:
            throttle.count_failure(phone)
        raise


def authenticate(raw_phone: str, password: str) -> User:
    """Return the active user with these credentials or raise AuthError."""
    try:
        phone = normalise_phone(raw_phone)
    except PhoneError as error:
        raise AuthError(str(error)) from None
    user = db.session.execute(db.select(User).filter_by(phone=phone)).scalar_one_or_none()
    # The hash is always checked, against a stand-in for unknown numbers, so a refusal takes
    # as long whether the number is registered or not (timing would tell otherwise).
    right = password_matches(user, password) if user else check_password_hash(_stand_in_hash(), password)
    if user is None or not user.active or not right:
        raise AuthError(_l("Wrong mobile number or password."))
    if user.password_expires_at is not None and as_utc(user.password_expires_at) <= utcnow():
        raise AuthError(
            _l("This one-time password has expired. Ask your trainer or cell head for a new one.")
        )
    return user


def password_matches(user: User, given: str) -> bool:
    """Whether `given` is the user's password; a one-time password, printed for people to
    type, in any case and with stray spaces around it."""
    if user.must_change_password:
        given = given.strip().upper()
    return check_password_hash(user.password_hash, given)


def _stand_in_hash() -> str:
    """A hash of a random password made with the configured method, once per app."""
    return kept("stand_in_hash", "hash", lambda: hash_password(secrets.token_urlsafe(16)))


def check_new_password(phone: str, password: str) -> None:
    """Raise AuthError if the password is too weak for the user with this number."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        raise AuthError(
            lazy_ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.", minimum)
        )
    if phone in password:
        raise AuthError(_l("Do not use your mobile number in your password."))


@service
def change_password(user: User, current: str, new: str, device: str) -> str:
    """Replace the user's password after checking the current one. Every sign-in of theirs
    ends, the browser they changed it in too (a copy of its cookie may be elsewhere), and
    that browser gets a new one: its key."""
    if not password_matches(user, current):
        raise AuthError(_l("The current password is wrong."))
    if new == current:
        raise AuthError(_l("Choose a password different from the current one."))
    return _set_own_password(user, new, device)


@service
def choose_first_password(user: User, new: str, device: str) -> str:
    """Replace a one-time password the user just signed in with by their own (no current
    password asked: they typed it a moment ago); every sign-in ends, and this browser gets a
    new one: its key."""
    if not user.must_change_password:
        raise AuthError(_l("The current password is wrong."))
    if password_matches(user, new):
        raise AuthError(_l("Choose a password different from the current one."))
    return _set_own_password(user, new, device)


def _set_own_password(user: User, new: str, device: str) -> str:
    """Check and store a password the user chose, end every sign-in of theirs and open one
    for `device`: its key (flushes)."""
    check_new_password(user.phone, new)
    user.password_hash = hash_password(new)
    user.must_change_password, user.password_expires_at = False, None
    end_all(user.id)
    return add_sign_in(user.id, device)


def one_time_password() -> str:
    """A random password to hand over on paper, e.g. K7P4M9QX."""
    return readable_code(OTP_LENGTH)


def give_one_time_password(user: User) -> str:
    """Set a new one-time password (returned, to be handed over once): the user must change
    it at sign-in, and it stops working after ONE_TIME_PASSWORD_DAYS."""
    password = one_time_password()
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.password_expires_at = utcnow() + timedelta(days=current_app.config["ONE_TIME_PASSWORD_DAYS"])
    return password


@service
def reset_password(actor: User, user_id: int) -> tuple[User, str]:
    """Give a user the actor manages a one-time password, ending their sign-ins; return it
    once (NotFound otherwise)."""
    user = user_in_scope(actor, user_id)
    if not may(actor, "manage_person", user):
        raise NotFound
    password = give_one_time_password(user)
    end_all(user.id)
    return user, password
