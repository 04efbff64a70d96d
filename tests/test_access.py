"""Access control generated from the URL map: every route × every kind of visitor has an
expected outcome. A new route without an entry here fails the suite."""

import io
from dataclasses import dataclass

import pytest

from lms.auth.models import Role

VISITORS = ("anonymous", "sahayak", "trainer", "cell_head_in_scope", "cell_head_out_of_scope", "admin")
SIGN_IN = "login"  # a redirect to /login

# endpoint: (method, path template, {visitor: expected status or SIGN_IN})
# Paths use {target} (a sahayak in Kolkata) and {token} (a password sheet made by the Kolkata cell head).
MATRIX = {
    "health.healthz": ("GET", "/healthz", dict.fromkeys(VISITORS, 200)),
    "main.too_large": ("GET", "/errors/413", dict.fromkeys(VISITORS, 413)),
    "metrics.metrics": ("GET", "/metrics", dict.fromkeys(VISITORS, 404)),  # off without METRICS_TOKEN
    "auth.login": ("GET", "/login", {"anonymous": 200} | dict.fromkeys(VISITORS[1:], 302)),
    "auth.logout": ("POST", "/logout", dict.fromkeys(VISITORS, 302)),
    "auth.change_password": ("GET", "/password", {"anonymous": SIGN_IN} | dict.fromkeys(VISITORS[1:], 200)),
    "auth.sign_ins": ("GET", "/sign-ins", {"anonymous": SIGN_IN} | dict.fromkeys(VISITORS[1:], 200)),
    "auth.end_other_sign_ins": (
        "POST",
        "/sign-ins/end-others",
        {"anonymous": SIGN_IN} | dict.fromkeys(VISITORS[1:], 302),
    ),
    # {signin} is another sign-in of the Kolkata sahayak: only they can end it.
    "auth.end_sign_in": (
        "POST",
        "/sign-ins/{signin}/end",
        {"anonymous": SIGN_IN, "sahayak": 302} | dict.fromkeys(VISITORS[2:], 404),
    ),
    "main.home": ("GET", "/", {"anonymous": SIGN_IN} | dict.fromkeys(VISITORS[1:], 200)),
    "main.set_language": ("POST", "/language", dict.fromkeys(VISITORS, 302)),
    "people.index": (
        "GET",
        "/people/",
        {"anonymous": SIGN_IN, "sahayak": 403} | dict.fromkeys(VISITORS[2:], 200),
    ),
    "people.detail": (
        "GET",
        "/people/{target}",
        {"anonymous": SIGN_IN, "sahayak": 403, "trainer": 200, "cell_head_in_scope": 200}
        | {"cell_head_out_of_scope": 404, "admin": 200},
    ),
    "people.reset": (
        "POST",
        "/people/{target}/reset-password",
        {"anonymous": SIGN_IN, "sahayak": 403, "trainer": 200, "cell_head_in_scope": 200}
        | {"cell_head_out_of_scope": 404, "admin": 200},
    ),
    "people.edit": (
        "GET",
        "/people/{target}/edit",
        {"anonymous": SIGN_IN, "sahayak": 403, "trainer": 403, "cell_head_in_scope": 200}
        | {"cell_head_out_of_scope": 404, "admin": 200},
    ),
    # An empty form: back to the person's page, saying a reason is needed.
    "people.set_active": (
        "POST",
        "/people/{target}/deactivate",
        {"anonymous": SIGN_IN, "sahayak": 403, "trainer": 403, "cell_head_in_scope": 302}
        | {"cell_head_out_of_scope": 404, "admin": 302},
    ),
    "people.import_users": (
        "GET",
        "/people/import",
        {"anonymous": SIGN_IN, "sahayak": 403, "trainer": 403}
        | {"cell_head_in_scope": 200, "cell_head_out_of_scope": 200, "admin": 200},
    ),
    "people.sheet": ("GET", "/people/sheets/{token}", None),
    "people.sheet_download": ("GET", "/people/sheets/{token}.pdf", None),
    "people.sheet_delete": ("POST", "/people/sheets/{token}/delete", None),
}
# Sheets belong to their maker alone (the Kolkata cell head); everyone else gets 404.
SHEET_OUTCOMES = {"anonymous": SIGN_IN, "sahayak": 404, "trainer": 404, "cell_head_in_scope": 200}
SHEET_OUTCOMES |= {"cell_head_out_of_scope": 404, "admin": 404}
for _endpoint in ("people.sheet", "people.sheet_download", "people.sheet_delete"):
    _method, _path, _ = MATRIX[_endpoint]
    _owner = 302 if _method == "POST" else 200
    MATRIX[_endpoint] = (_method, _path, SHEET_OUTCOMES | {"cell_head_in_scope": _owner})

READERS = {"anonymous": SIGN_IN} | dict.fromkeys(VISITORS[1:], 200)
PUBLISHERS = {"anonymous": SIGN_IN, "sahayak": 403, "trainer": 200, "cell_head_in_scope": 403}
PUBLISHERS |= {"cell_head_out_of_scope": 403, "admin": 200}
MATRIX |= {
    "courses.index": ("GET", "/courses/", READERS),
    "learning.course": ("GET", "/courses/safe-accounts/", READERS),
    "learning.lesson": ("GET", "/courses/safe-accounts/lessons/passwords", READERS),
    "learning.progress": ("GET", "/progress", READERS),
    # Nobody has completed the course in the access fixtures: back to its outline.
    "learning.complete": (
        "GET",
        "/courses/safe-accounts/complete",
        {"anonymous": SIGN_IN} | dict.fromkeys(VISITORS[1:], 302),
    ),
    # Without a valid attempt token a submission is refused: 400, or back with a message.
    "learning.submit": ("POST", "/quizzes/submit", {"anonymous": 400} | dict.fromkeys(VISITORS[1:], 302)),
    # With nothing kept from an expired session, resuming leads home.
    "learning.resume": ("GET", "/quizzes/resume", {"anonymous": SIGN_IN} | dict.fromkeys(VISITORS[1:], 302)),
    # {attempt} is an attempt of the Kolkata sahayak: only they see it.
    "learning.result": (
        "GET",
        "/attempts/{attempt}",
        {"anonymous": SIGN_IN} | dict.fromkeys(VISITORS[1:], 404) | {"sahayak": 200},
    ),
    "courses.asset": ("GET", "/courses/safe-accounts/v1/files/images/lock.png", READERS),
    "courses.versions": ("GET", "/courses/safe-accounts/versions", PUBLISHERS),
    "courses.download": ("GET", "/courses/safe-accounts/v1.zip", PUBLISHERS),
    "courses.upload": ("GET", "/courses/upload", PUBLISHERS),
    "courses.guide": ("GET", "/courses/guide", PUBLISHERS),
    "courses.edit": ("GET", "/courses/safe-accounts/edit/01-passwords.md", PUBLISHERS),
    "courses.discard": (
        "POST",
        "/courses/safe-accounts/discard",
        PUBLISHERS | {"trainer": 302, "admin": 302},
    ),
    # The Kolkata trainer owns the sample course (see `routes`); other trainers may only read it.
    "courses.review": ("GET", "/courses/safe-accounts/review", PUBLISHERS),
    # With no drafts there is nothing to publish: back to the review page with a message.
    "courses.publish": (
        "POST",
        "/courses/safe-accounts/publish",
        PUBLISHERS | {"trainer": 302, "admin": 302},
    ),
    "courses.add_owner": (
        "POST",
        "/courses/safe-accounts/owners",
        PUBLISHERS | {"trainer": 302, "admin": 302},
    ),
    "courses.remove_owner": (
        "POST",
        "/courses/safe-accounts/owners/{owner}/remove",
        PUBLISHERS | {"trainer": 302, "admin": 302},
    ),
    "courses.set_listed": (
        "POST",
        "/courses/safe-accounts/unpublish",
        PUBLISHERS | {"trainer": 302, "admin": 302},
    ),
}

# {batch}/{code}: a batch led by the Kolkata trainer in Kolkata.
BATCH_VIEWERS = {"anonymous": SIGN_IN, "sahayak": 404, "trainer": 200, "cell_head_in_scope": 200}
BATCH_VIEWERS |= {"cell_head_out_of_scope": 404, "admin": 200}
BATCH_ACTORS = BATCH_VIEWERS | {"trainer": 302, "cell_head_in_scope": 302, "admin": 302}
EVERYONE = dict.fromkeys(VISITORS, 200)
MATRIX |= {
    "batches.index": ("GET", "/batches/", READERS),
    "batches.new": (
        "GET",
        "/batches/new",
        PUBLISHERS | {"cell_head_in_scope": 200, "cell_head_out_of_scope": 200},
    ),
    "batches.detail": ("GET", "/batches/{batch}", BATCH_VIEWERS),
    "batches.roster_csv": ("GET", "/batches/{batch}/roster.csv", BATCH_VIEWERS),
    "batches.poster": ("GET", "/batches/{batch}/poster.pdf", BATCH_VIEWERS),
    "batches.toggle": ("POST", "/batches/{batch}/close", BATCH_ACTORS),
    "batches.import_members": ("POST", "/batches/{batch}/members", BATCH_ACTORS),
    # Making a leader: only cell heads in scope and admins get as far as the rule (not completed: back with a message).
    "batches.make_leader": (
        "POST",
        "/people/{target}/leader",
        {"anonymous": SIGN_IN, "sahayak": 404, "trainer": 404, "cell_head_in_scope": 302}
        | {"cell_head_out_of_scope": 404, "admin": 302},
        {"course_id": "{course}"},
    ),
    # More tries: {target} is in no batch of the Kolkata trainer's, and nobody gives themself tries.
    "batches.tries": (
        "GET",
        "/people/{target}/tries/{course}",
        {"anonymous": SIGN_IN, "sahayak": 404, "trainer": 404, "cell_head_in_scope": 200}
        | {"cell_head_out_of_scope": 404, "admin": 200},
    ),
    "batches.batch_tries": ("POST", "/batches/{batch}/tries", BATCH_ACTORS),  # no reason: back with a message
    "batches.enter_code": ("GET", "/join", EVERYONE),
    "batches.join": ("GET", "/join/{code}", EVERYONE),
    "batches.register": ("POST", "/join/{code}/register", dict.fromkeys(VISITORS, 400)),  # an empty form
}

# {cert}: a certificate of the Kolkata sahayak, issued by the admin.
HOLDER = {"anonymous": SIGN_IN, "sahayak": 200, "trainer": 404, "cell_head_in_scope": 200}
HOLDER |= {"cell_head_out_of_scope": 404, "admin": 200}
ISSUERS_ONLY = HOLDER | {"sahayak": 404}
MATRIX |= {
    "certificates.index": ("GET", "/certificates/", READERS),
    "certificates.issue": (
        "POST",
        "/certificates/issue",
        ISSUERS_ONLY
        | {
            "sahayak": 403,
            "trainer": 403,
            "cell_head_in_scope": 302,
            "cell_head_out_of_scope": 302,
            "admin": 302,
        },
    ),
    "certificates.download": ("GET", "/certificates/{cert}.pdf", HOLDER),
    "certificates.revoke": ("GET", "/certificates/{cert}/revoke", ISSUERS_ONLY),
    # The name is unchanged: back to the person's page, saying there is nothing to re-issue.
    "certificates.reissue": (
        "POST",
        "/certificates/{cert}/reissue",
        ISSUERS_ONLY | {"cell_head_in_scope": 302, "admin": 302},
    ),
    "certificates.batch_zip": ("GET", "/batches/{batch}/certificates.zip", ISSUERS_ONLY),
    "certificates.selection_zip": (
        "POST",
        "/certificates/zip",
        ISSUERS_ONLY | {"sahayak": 403, "trainer": 403, "cell_head_out_of_scope": 200},
    ),
    "certificates.prepare": (
        "POST",
        "/certificates/prepare",
        ISSUERS_ONLY
        | {"sahayak": 403, "trainer": 403, "cell_head_in_scope": 302}
        | {"cell_head_out_of_scope": 302, "admin": 302},
    ),
    # {art}: the Kolkata region's emblem, uploaded by its cell head.
    "certificates.artwork": (
        "GET",
        "/certificates/artwork",
        ISSUERS_ONLY | {"sahayak": 403, "trainer": 403, "cell_head_out_of_scope": 200},
    ),
    "certificates.artwork_picture": (
        "GET",
        "/certificates/artwork/{art}.png",
        ISSUERS_ONLY | {"sahayak": 403, "trainer": 403},
    ),
    "certificates.remove_artwork": (
        "POST",
        "/certificates/artwork/{art}/remove",
        ISSUERS_ONLY | {"sahayak": 403, "trainer": 403, "cell_head_in_scope": 302, "admin": 302},
    ),
    "certificates.verify_form": ("GET", "/verify", EVERYONE),
    "certificates.verify": ("GET", "/verify/{cert}", EVERYONE),
}

# Dashboards: cell heads see their own subtree (the out-of-scope head opens /reports/ at home).
VIEWERS = {"anonymous": SIGN_IN, "sahayak": 403, "trainer": 403, "cell_head_in_scope": 200}
VIEWERS |= {"cell_head_out_of_scope": 200, "admin": 200}
KOLKATA = VIEWERS | {"cell_head_out_of_scope": 404}
MATRIX |= {
    "reports.dashboard": ("GET", "/reports/?region=WB-KOL", KOLKATA),
    "reports.export": ("GET", "/reports/people.csv?region=WB-KOL", KOLKATA),
    "reports.quizzes": ("GET", "/reports/quizzes", VIEWERS | {"trainer": 200}),
    "reports.cascade": ("GET", "/reports/cascade?batch={batch}", KOLKATA),
    "reports.set_target": (
        "POST",
        "/reports/target?region=WB-KOL",
        {**KOLKATA, "cell_head_in_scope": 302, "admin": 302},
    ),
}

# {job}: a finished ZIP job started by the Kolkata cell head: theirs and the admins' alone.
JOB_OWNER = {"anonymous": SIGN_IN, "sahayak": 404, "trainer": 404, "cell_head_in_scope": 200}
JOB_OWNER |= {"cell_head_out_of_scope": 404, "admin": 200}
MATRIX |= {
    "jobs.index": ("GET", "/jobs/", READERS),
    "jobs.job": ("GET", "/jobs/{job}", JOB_OWNER),
    "jobs.result": ("GET", "/jobs/{job}/result", JOB_OWNER),
}

PUBLIC_FILES = {"static"}


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - PUBLIC_FILES
    assert endpoints - set(MATRIX) == set(), "add the new route to MATRIX"
    assert set(MATRIX) - endpoints == set(), "MATRIX names a route that no longer exists"
    for rule in app.url_map.iter_rules():
        if rule.endpoint in MATRIX:
            assert MATRIX[rule.endpoint][0] in rule.methods, rule.endpoint


def test_no_route_changes_state_on_get(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in {
            "auth.logout",
            "main.set_language",
            "people.reset",
            "people.sheet_delete",
            "courses.discard",
            "courses.publish",
            "courses.add_owner",
            "courses.remove_owner",
            "courses.set_listed",
        }:
            assert "GET" not in rule.methods, rule.endpoint


def make_sheet(client, auth, head) -> str:
    auth.login(head)
    data = {"file": (io.BytesIO(b"name,phone,region\nA,9830011111,WB-KOL\n"), "a.csv")}
    location = client.post("/people/import", data=data).headers["Location"]
    auth.logout()
    return location.rsplit("/", 1)[1]


def make_certificate(world, version) -> str:
    from lms.certificates.services import issue
    from tests.certificates.conftest import complete

    complete(world.sahayak_kol, version)
    return issue(world.admin, [(world.sahayak_kol.id, version.course_id)])[0][0].code


def make_batch(world, version):
    from datetime import date

    from lms.batches.services import create_batch

    return create_batch(
        world.trainer_kol, version.course_id, "Batch", "", date(2026, 12, 1), world.kolkata.id
    )


def make_job(world) -> int:
    """A finished ZIP job (of no certificates) started by the Kolkata cell head."""
    from lms.certificates.jobs import start_zip

    return start_zip(world.head_kol, [], "none.zip").id


def own_course(world, version) -> None:
    """The Kolkata trainer owns the sample course."""
    from lms.courses.models import CourseOwner
    from lms.extensions import db

    db.session.add(CourseOwner(course_id=version.course_id, user_id=world.trainer_kol.id))
    db.session.commit()


def make_attempt(user) -> int:
    from lms.courses.models import Quiz
    from lms.extensions import db
    from lms.learning import quizforms, services

    quiz = db.session.execute(db.select(Quiz).filter_by(key="phishing")).scalar_one()
    token = quizforms.make_token(user.id, quiz.id, 1, "n")
    return services.submit(user, token, lambda spec: {}).id


def make_art(world) -> int:
    """An emblem for Kolkata, uploaded by its cell head."""
    from lms.certificates.artwork import upload
    from tests.pictures import picture

    return upload(world.head_kol, "emblem", world.kolkata.code, picture()).id


def make_sign_in(user) -> int:
    """Another open sign-in of the user (say, on their other phone)."""
    from lms.auth import sessions
    from lms.auth.models import SignIn
    from lms.extensions import db

    sessions.open_sign_in(user.id, "Chrome · Android")
    return db.session.execute(db.select(SignIn.id).filter_by(user_id=user.id)).scalars().first()


@dataclass
class Route:
    """One route of the matrix with its placeholders filled in."""

    method: str
    url: str
    query: dict | None
    form: dict | None  # what the matrix posts
    context: dict


@pytest.fixture
def routes(client, auth, world, sample_course):
    """`routes(endpoint)` builds what the endpoint's MATRIX path needs (before anyone signs in):
    the sheet, attempt, batch and certificate it names."""

    def build(endpoint: str) -> Route:
        method, path, _outcomes, *form = MATRIX[endpoint]
        token = make_sheet(client, auth, world.head_kol) if "{token}" in path else ""
        attempt = make_attempt(world.sahayak_kol) if "{attempt}" in path else 0
        batch = make_batch(world, sample_course)
        own_course(world, sample_course)
        cert = make_certificate(world, sample_course) if "{cert}" in path else ""
        job = make_job(world) if "{job}" in path else 0
        signin = make_sign_in(world.sahayak_kol) if "{signin}" in path else 0
        art = make_art(world) if "{art}" in path else 0
        context = {
            "target": world.sahayak_kol.id, "phone": world.sahayak_kol.phone, "token": token,
            "attempt": attempt, "batch": batch.id, "code": batch.join_code, "region": world.kolkata.id,
            "course": sample_course.course_id, "cert": cert, "owner": world.trainer_kol.id, "admin_phone": world.admin.phone, "job": job,
            "signin": signin, "art": art,
        }  # fmt: skip
        url, _, query = path.format(**context).partition("?")
        query_string = dict(pair.split("=") for pair in query.split("&")) if query else None
        data = {key: value.format(**context) for key, value in form[0].items()} if form else None
        return Route(method, url, query_string, data, context)

    return build


@pytest.fixture
def visitors(world):
    """The matrix's visitors as users of the world (None: not signed in)."""
    return {
        "anonymous": None,
        "sahayak": world.sahayak_kol,
        "trainer": world.trainer_kol,
        "cell_head_in_scope": world.head_kol,
        "cell_head_out_of_scope": world.head_dar,
        "admin": world.admin,
    }


@pytest.mark.parametrize("visitor", VISITORS)
@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_access(endpoint, visitor, client, auth, visitors, routes):
    route = routes(endpoint)
    user = visitors[visitor]
    if user is not None:
        auth.login(user)
    with client.open(route.url, method=route.method, query_string=route.query, data=route.form) as response:
        expected = MATRIX[endpoint][2][visitor]
        if expected == SIGN_IN:
            assert response.status_code == 302 and response.headers["Location"].startswith("/login")
        else:
            assert response.status_code == expected, f"{route.method} {route.url} as {visitor}"


def test_roles_cover_the_visitors():
    assert {str(role) for role in Role} == {"sahayak", "trainer", "cell_head", "admin"}
