"""Issue 15, findings 9 and 11: one-time passwords never expired and were case-sensitive
although printed for people to type; password sheets were kept until someone deleted them."""

from datetime import timedelta

from lms.auth.services import give_one_time_password
from lms.core.clock import utcnow
from lms.extensions import db
from lms.jobs import services as jobs
from lms.people.models import PasswordSheet
from lms.people.sheets import import_with_sheet, sheets_dir


def test_a_one_time_password_is_taken_in_any_case_and_with_spaces_around(client, auth, make_user):
    user = make_user(phone="9830000101")
    password = give_one_time_password(user)
    db.session.commit()
    assert password.isupper() or password.isdigit()
    assert auth.login(user.phone, f"  {password.lower()} ").status_code == 302


def test_ones_own_password_stays_case_sensitive(client, auth, make_user):
    user = make_user(phone="9830000102")  # the tests' password is lower case
    assert auth.login(user.phone, "CORRECT-HORSE").status_code == 200


def test_a_one_time_password_expires(app, client, auth, make_user):
    user = make_user(phone="9830000103")
    password = give_one_time_password(user)
    assert user.password_expires_at > utcnow() + timedelta(days=13, hours=23)  # the default 14 days
    user.password_expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    refused = auth.login(user.phone, password)
    assert refused.status_code == 200
    assert "This one-time password has expired. Ask your trainer or cell head" in refused.get_data(
        as_text=True
    )


def test_choosing_ones_own_password_ends_the_expiry(app, client, auth, make_user):
    user = make_user(phone="9830000104")
    password = give_one_time_password(user)
    db.session.commit()
    auth.login(user.phone, password.lower())
    reply = client.post(
        "/password", data={"current": password.lower(), "new": "my-own-pass-1", "confirm": "my-own-pass-1"}
    )
    assert reply.status_code == 302
    db.session.refresh(user)
    assert user.password_expires_at is None and not user.must_change_password


def test_password_sheets_are_deleted_by_housekeeping_after_a_week(app, world):
    csv = "name,phone,region\nঅনিতা রায়,9830011111,B-KOL-1\n".encode()
    import_with_sheet(csv, "old.csv", world.head_kol)
    import_with_sheet(csv.replace(b"9830011111", b"9830011112"), "new.csv", world.head_kol)
    first, second = db.session.execute(db.select(PasswordSheet).order_by(PasswordSheet.id)).scalars().all()
    first.created_at = utcnow() - timedelta(days=app.config["SHEETS_KEEP_DAYS"], minutes=1)
    db.session.commit()
    jobs.housekeeping()
    assert db.session.execute(db.select(PasswordSheet.token)).scalars().all() == [second.token]
    assert sorted(path.name for path in sheets_dir().iterdir()) == sorted(
        [f"{second.token}.csv", f"{second.token}.pdf"]
    )


def test_after_a_one_time_password_only_the_new_password_is_asked_twice(client, auth, make_user):
    """Issue 16: the form asked for the "current password" — the slip's code again."""
    user = make_user(phone="9830000105")
    password = give_one_time_password(user)
    db.session.commit()
    auth.login(user.phone, password)
    page = client.get("/password").get_data(as_text=True)
    assert 'name="current"' not in page and 'name="new"' in page and 'name="confirm"' in page
    assert "type it twice" in page
    same = client.post("/password", data={"new": password, "confirm": password})
    assert "Choose a password different from the current one." in same.get_data(as_text=True)
    reply = client.post("/password", data={"new": "my-own-pass-2", "confirm": "my-own-pass-2"})
    assert reply.status_code == 302
    db.session.refresh(user)
    assert not user.must_change_password
    assert 'name="current"' in client.get("/password").get_data(as_text=True)  # from now on, as usual
    assert (
        client.post("/password", data={"new": "another-pass-3", "confirm": "another-pass-3"}).status_code
        == 200
    )
