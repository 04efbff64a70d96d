"""Sign-ins kept on the server (issue 15, finding 1): a copied session cookie stops working when
its owner signs out, changes their password, is given a one-time password or is deactivated;
a person sees where they are signed in and can sign any of those out."""

from datetime import timedelta

from sqlalchemy import select, update

from lms.auth import sessions
from lms.auth.models import SignIn
from lms.core.clock import as_utc, utcnow
from lms.extensions import db
from tests.conftest import PASSWORD

CHROME_ANDROID = "Mozilla/5.0 (Linux; Android 13; SM-A045F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0 Mobile Safari/537.36"


def copy_of(app, client):
    """Another client holding a copy of this client's cookies (a stolen or shared cookie)."""
    other = app.test_client()
    for cookie in client._cookies.values():
        other.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return other


def signed_in(client) -> bool:
    return client.get("/progress").status_code == 200


def test_a_copied_cookie_stops_working_when_its_owner_signs_out(app, client, auth, world):
    auth.login(world.sahayak_kol)
    thief = copy_of(app, client)
    assert signed_in(thief)
    auth.logout()
    assert not signed_in(thief) and not signed_in(client)
    ended = db.session.execute(select(SignIn).filter_by(user_id=world.sahayak_kol.id)).scalar_one()
    assert ended.ended_at is not None


def test_a_new_password_ends_every_sign_in_and_opens_a_new_one_here(app, client, auth, world):
    auth.login(world.sahayak_kol)
    thief = copy_of(app, client)  # the cookie of an earlier sign-in, say a one-time password's
    auth.logout()
    auth.login(world.sahayak_kol)
    other_phone = app.test_client()
    other_phone.post("/login", data={"phone": world.sahayak_kol.phone, "password": PASSWORD})
    this_browsers_copy = copy_of(app, client)  # issue 25, finding 2: this one was kept
    new = {"current": PASSWORD, "new": "a-new-pass-1", "confirm": "a-new-pass-1"}
    response = client.post("/password", data=new)
    assert response.status_code == 302
    assert signed_in(client)  # where the password was changed: on a new sign-in
    assert not signed_in(other_phone) and not signed_in(thief) and not signed_in(this_browsers_copy)
    open_ones = db.session.execute(select(SignIn).filter_by(user_id=world.sahayak_kol.id, ended_at=None))
    assert len(open_ones.all()) == 1


def test_choosing_the_first_password_ends_every_sign_in_and_opens_a_new_one_here(app, client, world):
    from lms.auth.services import give_one_time_password

    password = give_one_time_password(world.sahayak_kol)
    db.session.commit()
    client.post("/login", data={"phone": world.sahayak_kol.phone, "password": password})
    copied = copy_of(app, client)
    response = client.post("/password", data={"new": "my-own-pass-1", "confirm": "my-own-pass-1"})
    assert response.status_code == 302
    assert signed_in(client)
    assert not signed_in(copied)


def test_a_one_time_password_from_a_cell_head_ends_every_sign_in(app, client, auth, world):
    owner = app.test_client()
    owner.post("/login", data={"phone": world.sahayak_kol.phone, "password": PASSWORD})
    thief = copy_of(app, owner)
    auth.login(world.head_kol)
    assert client.post(f"/people/{world.sahayak_kol.id}/reset-password").status_code == 200
    assert not signed_in(owner) and not signed_in(thief)


def test_deactivation_ends_every_sign_in(app, client, auth, world):
    owner = app.test_client()
    owner.post("/login", data={"phone": world.sahayak_kol.phone, "password": PASSWORD})
    auth.login(world.head_kol)
    client.post(f"/people/{world.sahayak_kol.id}/deactivate", data={"reason": "Left the programme"})
    assert not signed_in(owner)
    rows = db.session.execute(select(SignIn.ended_at).filter_by(user_id=world.sahayak_kol.id)).scalars().all()
    assert rows and all(rows)


def test_a_sign_in_unused_longer_than_the_session_lifetime_is_refused(app, client, auth, world):
    auth.login(world.sahayak_kol)
    long_ago = utcnow() - app.config["PERMANENT_SESSION_LIFETIME"] - timedelta(minutes=1)
    db.session.execute(update(SignIn).values(last_seen_at=long_ago))
    db.session.commit()
    assert not signed_in(client)


def test_use_is_recorded_at_most_every_few_minutes(app, client, auth, world):
    auth.login(world.sahayak_kol)
    a_while_ago = utcnow() - sessions.SEEN_EVERY - timedelta(minutes=1)
    db.session.execute(update(SignIn).values(last_seen_at=a_while_ago))
    db.session.commit()
    assert signed_in(client)
    seen = db.session.execute(select(SignIn.last_seen_at)).scalar_one()
    assert as_utc(seen) > a_while_ago + timedelta(minutes=1)


def test_a_person_sees_where_they_are_signed_in_and_signs_the_others_out(app, client, auth, world):
    phone = app.test_client()
    phone.post(
        "/login",
        data={"phone": world.sahayak_kol.phone, "password": PASSWORD},
        headers={"User-Agent": CHROME_ANDROID},
    )
    laptop = app.test_client()
    laptop.post(
        "/login",
        data={"phone": world.sahayak_kol.phone, "password": PASSWORD},
        headers={"User-Agent": "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/120.0"},
    )
    auth.login(world.sahayak_kol)
    page = client.get("/sign-ins").get_data(as_text=True)
    assert "Chrome · Android" in page and "Firefox · Windows" in page and "(this device)" in page
    phone_id = db.session.execute(select(SignIn.id).filter_by(device="Chrome · Android")).scalar_one()
    assert client.post(f"/sign-ins/{phone_id}/end").status_code == 302
    assert not signed_in(phone) and signed_in(laptop) and signed_in(client)
    done = client.post("/sign-ins/end-others", follow_redirects=True).get_data(as_text=True)
    assert "1 other device is signed out." in done
    assert not signed_in(laptop) and signed_in(client)


def test_nobody_ends_someone_elses_sign_in(app, client, auth, world):
    owner = app.test_client()
    owner.post("/login", data={"phone": world.sahayak_kol.phone, "password": PASSWORD})
    theirs = db.session.execute(select(SignIn.id).filter_by(user_id=world.sahayak_kol.id)).scalar_one()
    auth.login(world.admin)
    assert client.post(f"/sign-ins/{theirs}/end").status_code == 404
    assert signed_in(owner)


def test_the_cookie_holds_a_key_whose_hash_alone_is_stored(client, auth, world):
    auth.login(world.sahayak_kol)
    with client.session_transaction() as state:
        key = state[sessions.SESSION_KEY]
    stored = db.session.execute(select(SignIn.key_hash)).scalar_one()
    assert key not in stored and len(stored) == 64 and key != stored


def test_devices_are_named_shortly(client):
    assert sessions.describe_device(CHROME_ANDROID) == "Chrome · Android"
    assert (
        sessions.describe_device("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Safari/604.1")
        == "Safari · iPhone"
    )
    assert sessions.describe_device("curl/8.0\x1b[31m") == "curl/8.0[31m"


def test_the_session_serializer_is_made_once_and_anew_for_a_new_secret(app, client, auth, world):
    auth.login(world.sahayak_kol)
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert client.get("/").status_code == 200
    assert interface.get_signing_serializer(app) is first  # kept across requests
    app.secret_key = "a-new-secret"  # a changed key: the old cookie no longer opens
    assert interface.get_signing_serializer(app) is not first
    assert client.get("/").status_code == 302
