"""Issue 15, finding 3: about 20 anonymous wrong passwords locked a number's owner out for
15 minutes. Now guessing is limited per (number, address) tightly and per number loosely with
growing waits, which the owner's own phone never meets."""

import re

import pytest

from lms.auth import throttle
from lms.core.throttle import storage
from tests.conftest import PASSWORD

OWNER, ATTACKER = "10.0.0.7", "10.66.0.1"
WAITS = {
    "LOGIN_LIMIT_PER_NUMBER_AND_ADDRESS": "5 per 15 minutes",
    "LOGIN_FREE_FAILURES_PER_NUMBER": 3,
    "LOGIN_FIRST_WAIT_SECONDS": 60,
    "LOGIN_LONGEST_WAIT_SECONDS": 200,
}


class Clock:
    """time.time() for the counters, moved on by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(storage.time, "time", fake)
    monkeypatch.setattr(throttle.time, "time", fake)
    return fake


def sign_in(app, phone: str, password: str, address: str, client=None):
    client = client or app.test_client()
    data = {"phone": phone, "password": password}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address})


def signed_in_once(app, owner) -> None:
    """The owner has signed in before, on a phone of their own (waits apply to new browsers)."""
    assert sign_in(app, owner.phone, PASSWORD, OWNER).status_code == 302


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(make_app, make_user):
    app = make_app(**WAITS | {"LOGIN_FREE_FAILURES_PER_NUMBER": 20})
    with app.app_context():
        owner = make_user(phone="9830000004")
        replies = [sign_in(app, owner.phone, "guess", ATTACKER).status_code for _ in range(25)]
        assert replies == [200] * 5 + [429] * 20  # the attacker's address is stopped after 5
        assert sign_in(app, owner.phone, "guess", ATTACKER).status_code == 429
        assert sign_in(app, owner.phone, PASSWORD, OWNER).status_code == 302  # the owner is not


def test_guessing_from_many_addresses_meets_growing_waits(make_app, make_user, clock):
    app = make_app(**WAITS)
    with app.app_context():
        owner = make_user(phone="9830000005")
        signed_in_once(app, owner)
        for n in range(4):  # 3 free, the 4th starts a wait of a minute
            assert sign_in(app, owner.phone, "guess", f"10.1.0.{n}").status_code == 200
        refused = sign_in(app, owner.phone, PASSWORD, "10.1.0.99")  # even the right password
        assert refused.status_code == 429
        assert "Try again in 1 minute, or on a phone where you signed in before." in refused.get_data(
            as_text=True
        )
        assert throttle.wait_seconds(owner.phone) == 60
        clock.now += 61
        assert sign_in(app, owner.phone, "guess", "10.1.0.5").status_code == 200
        assert throttle.wait_seconds(owner.phone) == 120  # doubled
        clock.now += 121
        assert sign_in(app, owner.phone, "guess", "10.1.0.6").status_code == 200
        assert throttle.wait_seconds(owner.phone) == 200  # 240, capped
        clock.now += 201
        assert sign_in(app, owner.phone, PASSWORD, "10.1.0.7").status_code == 302


def test_the_owners_own_phone_never_waits(make_app, make_user, clock):
    app = make_app(**WAITS)
    with app.app_context():
        owner = make_user(phone="9830000006")
        phone = app.test_client()
        assert sign_in(app, owner.phone, PASSWORD, OWNER, phone).status_code == 302
        assert phone.get_cookie(throttle.KNOWN_COOKIE) is not None
        assert owner.phone not in phone.get_cookie(throttle.KNOWN_COOKIE).value  # a keyed hash only
        phone.post("/logout")
        for n in range(6):
            sign_in(app, owner.phone, "guess", f"10.2.0.{n}")
        assert sign_in(app, owner.phone, PASSWORD, "10.2.0.99").status_code == 429  # a new phone waits
        assert sign_in(app, owner.phone, PASSWORD, "10.2.0.98", phone).status_code == 302  # not hers


def test_a_forged_mark_does_not_pass(make_app, make_user, clock):
    app = make_app(**WAITS)
    with app.app_context():
        owner = make_user(phone="9830000008")
        signed_in_once(app, owner)
        for n in range(4):
            sign_in(app, owner.phone, "guess", f"10.3.0.{n}")
        forger = app.test_client()
        forger.set_cookie(throttle.KNOWN_COOKIE, "0" * 32)
        assert sign_in(app, owner.phone, PASSWORD, "10.3.0.9", forger).status_code == 429


def test_a_person_who_never_signed_in_is_not_held_up_by_others_guesses(make_app, make_user, clock):
    """Issue 25, finding 12: 20 wrong passwords a day made a freshly imported person wait up to
    an hour on their first phone. Waits now apply to new browsers only after a first sign-in."""
    app = make_app(**WAITS)
    with app.app_context():
        fresh = make_user(phone="9830000012")  # imported, never signed in
        for n in range(12):
            assert sign_in(app, fresh.phone, "guess", f"10.6.0.{n}").status_code == 200
        assert sign_in(app, fresh.phone, PASSWORD, "10.6.0.99").status_code == 302  # at once
        for n in range(4):
            sign_in(app, fresh.phone, "guess", f"10.6.1.{n}")
        assert sign_in(app, fresh.phone, PASSWORD, "10.6.1.99").status_code == 429  # now a new phone waits


def test_unregistered_numbers_are_answered_alike(make_app, make_user, clock):
    """Waits say nothing about whether a number is registered: a number nobody has signed in
    with and an unregistered one meet the same answers."""
    app = make_app(**WAITS)
    with app.app_context():
        registered = make_user(phone="9830000009")
        pages = {}
        for phone in (registered.phone, "9830000010"):
            for n in range(4):
                sign_in(app, phone, "guess", f"10.4.0.{n}")
            reply = sign_in(app, phone, "guess", "10.4.0.9")
            page = re.sub(r'name="csrf_token" value="[^"]*"', "", reply.get_data(as_text=True))
            pages[phone] = (reply.status_code, page.replace(phone, "N"))
        assert pages[registered.phone] == pages["9830000010"]


def test_counters_are_cleared_by_housekeeping_once_their_window_ends(make_app, clock):
    app = make_app(**WAITS)
    with app.app_context():
        for n in range(5):
            sign_in(app, "9830000011", "guess", f"10.5.0.{n}")
        assert storage.remove_expired() == 0
        clock.now += 24 * 3600 + 1
        assert storage.remove_expired() > 0
        assert throttle.wait_seconds("9830000011") == 0
