"""A workshop of 200 sahayaks submitting one quiz at the same moment: 200 attempts, no errors;
one sahayak sending many forms of a quiz with a try limit at once: never more than the limit."""

import threading

from lms.auth import sessions
from lms.auth.models import User
from lms.auth.services import hash_password
from lms.extensions import db
from lms.learning import quizforms
from lms.learning.models import Attempt, QuizProgress
from tests.learning.quizzing import quiz, right_answers

WORKSHOP = 200
RACERS = 24  # forms of one quiz, each with its own token, sent at the same moment


def test_200_simultaneous_submissions_record_200_attempts(app, sample_course, make_region):
    region = make_region(kind="state")
    password_hash = hash_password("irrelevant")
    users = [
        User(phone=f"7{n:09d}", name=f"Sahayak {n}", region=region, password_hash=password_hash)
        for n in range(WORKSHOP)
    ]
    db.session.add_all(users)
    db.session.commit()
    target = quiz("safe-password")
    answers = right_answers("safe-password")
    clients = []
    for number, user in enumerate(users):
        client = app.test_client()
        with client.session_transaction() as state:
            state["_user_id"] = str(user.id)
            state["_fresh"] = True
            state[sessions.SESSION_KEY] = sessions.open_sign_in(user.id, "test")
        clients.append((client, quizforms.make_token(user.id, target.id, number, f"n{number}")))
    barrier, statuses, errors = threading.Barrier(WORKSHOP), [], []

    def submit(client, token):
        try:
            barrier.wait(timeout=60)
            response = client.post("/quizzes/submit", data={"token": token, **answers})
            statuses.append((response.status_code, response.headers.get("Location", "")))
        except Exception as error:  # noqa: BLE001 — collected and reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=submit, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(statuses) == WORKSHOP
    assert all(code == 302 and location.startswith("/attempts/") for code, location in statuses)
    db.session.expire_all()
    assert db.session.execute(db.select(db.func.count(Attempt.id))).scalar() == WORKSHOP
    assert db.session.execute(db.select(db.func.count(QuizProgress.id))).scalar() == WORKSHOP
    assert db.session.execute(db.select(db.func.sum(QuizProgress.attempts))).scalar() == WORKSHOP


def test_forms_sent_at_once_never_record_more_attempts_than_the_limit(app, sample_course, make_region):
    user = User(phone="7100000000", name="Racer", region=make_region(kind="state"))
    user.password_hash = hash_password("irrelevant")
    db.session.add(user)
    db.session.commit()
    target = quiz("safe-password")  # attempts=3
    client = app.test_client()
    with client.session_transaction() as state:
        state["_user_id"] = str(user.id)
        state["_fresh"] = True
        state[sessions.SESSION_KEY] = sessions.open_sign_in(user.id, "test")
    tokens = [quizforms.make_token(user.id, target.id, n, f"race{n}") for n in range(RACERS)]
    barrier, locations, errors = threading.Barrier(RACERS), [], []

    def submit(token):
        try:
            barrier.wait(timeout=60)
            response = client.post("/quizzes/submit", data={"token": token, "q0": "a"})
            locations.append((response.status_code, response.headers.get("Location", "")))
        except Exception as error:  # noqa: BLE001 — collected and reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=submit, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert all(code == 302 for code, _ in locations) and len(locations) == RACERS
    recorded = [location for _, location in locations if location.startswith("/attempts/")]
    assert len(recorded) == target.attempts == 3
    db.session.expire_all()
    assert db.session.execute(db.select(db.func.count(Attempt.id))).scalar() == 3
    assert db.session.execute(db.select(QuizProgress.attempts)).scalar_one() == 3
