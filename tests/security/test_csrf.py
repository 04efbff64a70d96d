"""CSRF on every POST route, generated from the URL map: with CSRF on, a POST that a
permitted user would otherwise get through is refused without a token and changes nothing;
with the token, the same POST does its work. The one exemption is listed here."""

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from lms import create_app
from lms.auth.sessions import open_sign_in
from lms.courses import drafts
from lms.courses.models import Course
from lms.extensions import db
from tests.certificates.conftest import complete
from tests.conftest import PASSWORD, csrf_token_from
from tests.courses.samples import COURSE_MD, LESSON_ONE, course_files
from tests.courses.test_web import make_zip
from tests.pictures import picture
from tests.security.state import everything
from tests.test_access import MATRIX, SIGN_IN


def post_endpoints() -> list[str]:
    """Every endpoint that accepts POST, read from the app's URL map."""
    app = create_app({"TESTING": True, "SECRET_KEY": "-", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted({rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods})


# The signed one-time attempt token bound to its user does CSRF's job (tests below).
EXEMPT = {"learning.submit"}
EXPIRED = "This form has expired"


def csv_file(text: str) -> Callable[[dict], dict]:
    return lambda context: {"file": (io.BytesIO(text.encode()), "people.csv")}


def other_sign_in(world) -> None:
    """The sahayak is signed in on another browser too."""
    open_sign_in(world.sahayak_kol.id, "x")


@dataclass
class ValidPost:
    """Who may send this POST, what a valid form holds, and what must exist first."""

    visitor: str
    form: Callable[[dict], dict] = lambda context: {}
    prepare: Callable = lambda world, version: None
    changes_state: bool = True  # False: a look-up, answered with a redirect


def draft(world, version) -> None:
    drafts.save_draft(
        world.trainer_kol, db.session.get(Course, version.course_id), "01-passwords.md", "draft"
    )


def valid_draft(world, version) -> None:
    drafts.save_draft(
        world.trainer_kol,
        db.session.get(Course, version.course_id),
        "01-passwords.md",
        LESSON_ONE + "\nMore.\n",
    )


def safe_password_quiz() -> str:
    from tests.learning.quizzing import quiz

    return str(quiz("safe-password").id)


def out_of_tries(world, version) -> None:
    """The Kolkata sahayak, a member of the Kolkata trainer's batch, used every try."""
    from lms.batches.models import Batch, Membership
    from lms.learning.models import QuizProgress

    batch = db.session.execute(db.select(Batch)).scalars().first()
    db.session.add(Membership(batch_id=batch.id, user_id=world.sahayak_kol.id))
    db.session.add(
        QuizProgress(
            user_id=world.sahayak_kol.id, course_id=version.course_id, quiz_key="safe-password", attempts=3
        )
    )
    db.session.commit()


def renamed(world, version) -> None:
    """The Kolkata sahayak's name was corrected after their certificate was printed."""
    world.sahayak_kol.name = "Sahayak Kolkata Das"
    db.session.commit()


VALID_POSTS = {
    "auth.login": ValidPost("anonymous", lambda c: {"phone": c["phone"], "password": PASSWORD}),
    "auth.logout": ValidPost("sahayak"),
    "auth.end_sign_in": ValidPost("sahayak"),
    "auth.end_other_sign_ins": ValidPost("sahayak", prepare=lambda world, version: other_sign_in(world)),
    "auth.change_password": ValidPost(
        "sahayak", lambda c: {"current": PASSWORD, "new": "brand-new-pass", "confirm": "brand-new-pass"}
    ),
    "main.set_language": ValidPost("sahayak", lambda c: {"lang": "bn", "next": "/"}),
    "people.reset": ValidPost("trainer"),
    "people.import_users": ValidPost("cell_head_in_scope", csv_file("name,phone,region\nNew,9830011111,WB-KOL\n")),
    "people.sheet_delete": ValidPost("cell_head_in_scope"),
    "courses.upload": ValidPost(
        "trainer",
        lambda c: {"archive": (io.BytesIO(make_zip(course_files(**{"course.md": COURSE_MD + "\nMore.\n"}))), "c.zip"),
                   "course": "safe-accounts"},
    ),
    "courses.publish": ValidPost("trainer", prepare=valid_draft),
    "courses.add_owner": ValidPost("trainer", lambda c: {"phone": c["admin_phone"]}),
    "courses.remove_owner": ValidPost("trainer"),
    "courses.set_listed": ValidPost("trainer"),
    "courses.edit": ValidPost("trainer", lambda c: {"text": LESSON_ONE + "\nMore.\n", "action": "save"}),
    "courses.discard": ValidPost("trainer", prepare=draft),
    "batches.new": ValidPost(
        "trainer",
        lambda c: {"course_id": c["course"], "name": "Ward 70", "place": "Club", "starts_on": "2026-12-05", "region_code": "WB-KOL"},
    ),
    "batches.toggle": ValidPost("trainer"),
    "batches.import_members": ValidPost("trainer", csv_file("name,phone,region\nNew,9830011111,B-KOL-1\n")),
    "batches.make_leader": ValidPost(
        "cell_head_in_scope", lambda c: {"course_id": c["course"]}, lambda world, version: complete(world.sahayak_kol, version)
    ),
    "batches.enter_code": ValidPost("sahayak", lambda c: {"code": c["code"]}, changes_state=False),
    "batches.join": ValidPost("sahayak"),
    "people.edit": ValidPost(
        "cell_head_in_scope", lambda c: {"name": "Corrected Name", "phone": c["phone"], "region_code": "B-KOL-1", "role": "sahayak"}
    ),
    "people.set_active": ValidPost("cell_head_in_scope", lambda c: {"reason": "Left the programme"}),
    "certificates.reissue": ValidPost("cell_head_in_scope", prepare=renamed),
    "batches.tries": ValidPost(
        "cell_head_in_scope", lambda c: {"quiz_id": safe_password_quiz(), "tries": "1", "reason": "Network failed"}
    ),
    "batches.batch_tries": ValidPost(
        "trainer", lambda c: {"quiz_id": safe_password_quiz(), "reason": "Revision class"}, out_of_tries
    ),
    "batches.register": ValidPost(
        "anonymous",
        lambda c: {"name": "New", "phone": "9830011111", "region_id": c["region"], "password": "long-pass-1", "confirm": "long-pass-1"},
    ),
    "certificates.issue": ValidPost(
        "cell_head_in_scope", lambda c: {"all": "1", "confirmed": "1"}, lambda world, version: complete(world.sahayak_kol, version)
    ),
    "certificates.revoke": ValidPost("cell_head_in_scope", lambda c: {"category": "error", "reason": "Issued by mistake"}),
    "certificates.selection_zip": ValidPost("cell_head_in_scope", changes_state=False),
    "certificates.prepare": ValidPost("cell_head_in_scope"),
    "certificates.batch_zip": ValidPost("cell_head_in_scope", changes_state=False),
    "certificates.artwork": ValidPost(
        "cell_head_in_scope", lambda c: {"kind": "emblem", "place": "WB-KOL", "picture": (io.BytesIO(picture()), "e.png")}
    ),
    "certificates.remove_artwork": ValidPost("cell_head_in_scope"),
    "reports.set_target": ValidPost("cell_head_in_scope", lambda c: {"target": "25", "due_on": "2027-03-31"}),
}  # fmt: skip


@pytest.mark.parametrize("endpoint", post_endpoints())
def test_every_post_needs_the_csrf_token(endpoint, app, client, auth, world, visitors, sample_course, routes):
    route = routes(endpoint)
    if endpoint in EXEMPT:
        app.config["WTF_CSRF_ENABLED"] = True
        response = client.post(route.url, query_string=route.query)
        assert EXPIRED not in response.get_data(as_text=True), "EXEMPT names a route that is not exempt"
        return
    assert endpoint in VALID_POSTS, "add the new POST route to VALID_POSTS: who may send it, with what"
    valid = VALID_POSTS[endpoint]
    assert MATRIX[endpoint][2][valid.visitor] not in (SIGN_IN, 403, 404), "pick a visitor who may do this"
    valid.prepare(world, sample_course)
    if visitors[valid.visitor] is not None:
        auth.login(visitors[valid.visitor])
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token_from(client.get("/join").get_data(as_text=True))
    before = everything(client)

    forged = client.post(route.url, query_string=route.query, data=valid.form(route.context))
    assert forged.status_code == 400 and EXPIRED in forged.get_data(as_text=True), "the POST went through"
    assert everything(client) == before

    sent = client.post(
        route.url, query_string=route.query, data={**valid.form(route.context), "csrf_token": token}
    )
    assert sent.status_code in (200, 302), sent.get_data(as_text=True)
    if valid.changes_state:
        assert everything(client) != before, "the valid POST changed nothing: the form above is not valid"
    elif endpoint == "batches.enter_code":
        assert sent.headers["Location"] == f"/join/{route.context['code']}"
    else:  # a download of nothing yet rendered
        assert sent.status_code == 200 and sent.mimetype == "application/zip"


def test_a_csrf_token_of_another_session_is_refused(app, client, auth, world):
    auth.login(world.trainer_kol)
    app.config["WTF_CSRF_ENABLED"] = True
    own = csrf_token_from(client.get("/join").get_data(as_text=True))
    foreign = csrf_token_from(app.test_client().get("/login").get_data(as_text=True))
    assert foreign != own
    before = everything(client)
    for token in (foreign, "not-a-token", ""):
        response = client.post(f"/people/{world.sahayak_kol.id}/reset-password", data={"csrf_token": token})
        assert response.status_code == 400 and EXPIRED in response.get_data(as_text=True)
    assert everything(client) == before


# The quiz POST is exempt from Flask-WTF: its signed one-time token, bound to the user, is the check.


@pytest.fixture
def lesson_token(client, auth, sample_course):
    """A user's attempt token for the first quiz, as their lesson page gives it."""
    from tests.learning.quizzing import form_of

    def token_of(user) -> str:
        auth.login(user)
        token, _ = form_of(
            client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True), "safe-password"
        )
        auth.logout()
        return token

    return token_of


def forged_tokens(app, world, genuine: str) -> dict[str, str]:
    """Tokens an attacker could make: tampered, signed with another key or for another purpose."""
    from itsdangerous import URLSafeSerializer

    from lms.learning import quizforms

    payload = quizforms.read_token(genuine) | {"u": world.sahayak_kol.id}
    body, signature = genuine.rsplit(".", 1)
    own_body = (
        URLSafeSerializer(app.config["SECRET_KEY"], salt=quizforms.TOKEN_SALT)
        .dumps(payload)
        .rsplit(".", 1)[0]
    )
    return {
        "payload changed, signature kept": f"{own_body}.{signature}",
        "signature flipped": f"{body}.{signature[::-1]}",
        "another key": URLSafeSerializer("not-the-key", salt=quizforms.TOKEN_SALT).dumps(payload),
        "another salt": URLSafeSerializer(app.config["SECRET_KEY"], salt="other").dumps(payload),
        "unsigned": body,
    }


def test_quiz_submissions_refuse_a_token_of_another_user_or_a_forged_one(
    app, client, auth, world, lesson_token
):
    from tests.learning.quizzing import right_answers

    attacker_token = lesson_token(world.sahayak_dar)  # the attacker's own, genuine token
    auth.login(world.sahayak_kol)
    app.config["WTF_CSRF_ENABLED"] = True
    before = everything(client)
    tokens = {"the attacker's own": attacker_token, **forged_tokens(app, world, attacker_token)}
    for name, token in tokens.items():
        response = client.post("/quizzes/submit", data={"token": token, **right_answers("safe-password")})
        assert response.status_code == 302 and "/attempts/" not in response.headers["Location"], name
        assert "This quiz form is not valid any more" in client.get("/").get_data(as_text=True), name
    assert everything(client)[0] == before[0]  # the database: no attempt, no progress, for anyone


def test_signed_out_quiz_posts_keep_nothing_forged_and_record_nothing_foreign(
    app, client, auth, world, lesson_token
):
    from lms.learning.models import Attempt, PendingAnswers

    attacker_token = lesson_token(world.sahayak_dar)
    app.config["WTF_CSRF_ENABLED"] = True
    rows = everything(client)[0]
    for name, token in forged_tokens(app, world, attacker_token).items():
        assert client.post("/quizzes/submit", data={"token": token}).status_code == 400, name
    assert everything(client)[0] == rows  # nothing kept for later
    # A genuine token posted through a signed-out victim's browser is kept, but the victim's
    # sign-in does not record it, for the victim or for the token's owner.
    assert client.post("/quizzes/submit", data={"token": attacker_token}).status_code == 302
    assert db.session.execute(db.select(PendingAnswers)).scalar_one().token == attacker_token
    app.config["WTF_CSRF_ENABLED"] = False
    auth.login(world.sahayak_kol)
    assert db.session.execute(db.select(Attempt)).first() is None
    assert db.session.execute(db.select(PendingAnswers)).first() is None
