"""Quiz forms without answers: what the browser gets before submission, in attempt order."""

import hashlib
import random

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from lms.core.kept import MISSING, keep, lookup
from lms.courses.kinds import KINDS

TOKEN_SALT = "quiz-attempt"  # noqa: S105 (a signing salt, not a secret)


def serializer() -> URLSafeSerializer:
    """Signs attempt tokens with the app's secret key."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def make_token(user_id: int, quiz_id: int, seed: int, nonce: str) -> str:
    """A one-time attempt token: who, which quiz, the shuffle seed, a random nonce."""
    return serializer().dumps({"u": user_id, "q": quiz_id, "s": seed, "n": nonce})


TOKENS_KEPT = 10_000  # checked tokens remembered per process
TOKENS_BUDGET = 4 * 1024 * 1024  # and their bytes: keys are digests, values small dicts
TOKEN_MAX_LENGTH = 256  # a token we sign is about 110 characters; longer ones are not ours


def read_token(token: str) -> dict | None:
    """The token's contents if it was signed here, else None. A good token's contents are kept
    for the app, keyed by its digest (checking a signature cost ~50 µs on every lesson page
    view, and it never changes); anything longer than ours is refused unread, and a bad
    token is never kept, so what anyone sends cannot grow the store."""
    if not isinstance(token, str) or len(token) > TOKEN_MAX_LENGTH:
        return None
    key = hashlib.sha256(token.encode()).digest()
    payload = lookup("quiz_tokens", key)
    if payload is MISSING:
        payload = _checked(token)
        if payload is not None:
            keep("quiz_tokens", key, payload, TOKENS_KEPT, TOKENS_BUDGET)
    return payload


def _checked(token: str) -> dict | None:
    """The token's contents if its signature and fields are good, else None."""
    try:
        payload = serializer().loads(token)
    except BadSignature:
        return None
    return payload if isinstance(payload, dict) and {"u", "q", "s", "n"} <= payload.keys() else None


def form_questions(spec: dict, seed: int, shuffle: bool) -> list[dict]:
    """Questions and options to show: no right/wrong marks, no feedback, no accepted answers;
    shuffled with the attempt's seed when the quiz says so (stable on reload)."""
    rng = random.Random(seed)  # noqa: S311 (display order, not security)
    questions = []
    for index, question in enumerate(spec["questions"]):
        options = KINDS[question["kind"]].shown_options(question)
        if shuffle:
            rng.shuffle(options)
        questions.append(
            {"index": index, "kind": question["kind"], "html": question["html"], "options": options}
        )
    if shuffle:
        rng.shuffle(questions)
    return questions


def answers_from_form(spec: dict, form) -> dict:
    """Answers keyed by question index, read from a posted form (lengths bounded)."""
    return {str(i): KINDS[q["kind"]].read(form, f"q{i}") for i, q in enumerate(spec["questions"])}
