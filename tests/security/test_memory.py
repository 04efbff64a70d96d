"""Memory no request can grow (issue 25, finding 1): tokens anyone sends are refused unread when
longer than ours and never kept unless good; every kept store is bounded in bytes; form bodies
are bounded apart from uploads; workers are replaced after a while."""

import importlib.util
from pathlib import Path

import pytest

from lms.core.bodies import BoundedRequest
from lms.core.kept import MISSING, keep, kept, lookup, size_of, store_of
from lms.learning import quizforms
from tests.learning.quizzing import form_of, quiz, right_answers

ROOT = Path(__file__).resolve().parents[2]


def test_long_tokens_sent_without_a_session_are_refused_and_nothing_is_kept(app, client, sample_course):
    big = "A" * 400_000  # the issue sent ten of 5 MB (larger ones now stop at the form limit)
    for n in range(10):
        response = client.post("/quizzes/submit", data={"token": f"{n}{big}"})
        assert response.status_code == 400
    assert store_of("quiz_tokens").values == {} and store_of("quiz_tokens").size == 0


def test_a_learners_bad_tokens_are_never_kept_and_good_ones_by_digest(
    app, client, auth, world, sample_course
):
    auth.login(world.sahayak_kol)
    for n in range(200):
        client.post("/quizzes/submit", data={"token": f"forged.{n}.{'x' * 120}"})
    assert store_of("quiz_tokens").values == {}
    page = client.get("/courses/safe-accounts/lessons/phishing").get_data(as_text=True)
    token, _ = form_of(page, "phishing")
    assert (
        client.post("/quizzes/submit", data={"token": token, **right_answers("phishing")}).status_code == 302
    )
    store = store_of("quiz_tokens")
    assert len(store.values) == 1
    (key,) = store.values
    assert isinstance(key, bytes) and len(key) == 32 and token.encode() not in key  # a digest, not the token
    assert store.size < 1_000


def test_a_token_longer_than_ours_is_refused_before_its_signature_is_checked(app, sample_course, world):
    made = quizforms.make_token(world.sahayak_kol.id, quiz("phishing").id, 1, "0123456789abcdef")
    assert len(made) <= quizforms.TOKEN_MAX_LENGTH // 2  # ours fit with room to spare
    assert quizforms.read_token(made) is not None
    assert quizforms.read_token(made + "=" * quizforms.TOKEN_MAX_LENGTH) is None


def test_a_store_is_bounded_in_bytes_as_well_as_entries(app):
    budget = 10_000
    for n in range(500):
        keep("trial", n, "x" * 900, limit=1_000, budget=budget)
        assert store_of("trial").size <= budget
    assert 0 < len(store_of("trial").values) < 12
    keep("trial", "huge", "x" * 20_000, limit=1_000, budget=budget)  # larger than the budget
    assert lookup("trial", "huge") is MISSING
    assert kept("trial", "made", lambda: "value", 1_000, budget) == "value"


def test_sizes_count_what_containers_and_dataclasses_hold(app):
    from lms.learning.lessons import Neighbour

    text = "অ" * 10_000
    assert size_of(text) >= 20_000  # Bengali takes two bytes a character in CPython
    assert size_of((text, [text], {"k": text})) >= 60_000
    assert size_of(Neighbour("slug", text)) >= 20_000


@pytest.mark.parametrize(
    ("mimetype", "limit"),
    [
        ("application/x-www-form-urlencoded", "MAX_FORM_MEMORY_SIZE"),
        ("text/plain", "MAX_FORM_MEMORY_SIZE"),
        ("multipart/form-data; boundary=x", "MAX_CONTENT_LENGTH"),
    ],
)
def test_a_request_body_is_bounded_by_its_kind(app, mimetype, limit):
    with app.test_request_context("/", method="POST", content_type=mimetype):
        from flask import request

        assert isinstance(request._get_current_object(), BoundedRequest)
        assert request.max_content_length == app.config[limit]
    assert app.config["MAX_FORM_MEMORY_SIZE"] < app.config["MAX_CONTENT_LENGTH"]


def test_a_form_larger_than_the_limit_is_refused_without_being_read(client, world):
    data = {"phone": world.sahayak_kol.phone, "password": "x" * (2 * 1024 * 1024)}
    assert client.post("/login", data=data).status_code == 413


def test_a_whole_lesson_in_bengali_still_fits_a_form(app):
    """The editor posts a lesson: LESSON_MAX_BYTES of Bengali, percent-encoded, is 3× as long."""
    from urllib.parse import urlencode

    lesson = "অ" * (app.config["LESSON_MAX_BYTES"] // 3)
    assert len(urlencode({"text": lesson, "csrf_token": "t" * 90})) < app.config["MAX_FORM_MEMORY_SIZE"]


def test_workers_are_replaced_after_a_while_with_jitter():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "deploy" / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert conf.max_requests > 0 and 0 < conf.max_requests_jitter < conf.max_requests
    web = next(line for line in (ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    assert "--max-requests " in web and "--max-requests-jitter " in web
