"""Reading lessons and taking quizzes: one attempt per token, limits, shuffling, carry-over, completion."""

import pytest

from lms.extensions import db
from lms.learning.models import Completion, LessonRead, QuizProgress
from tests.learning.quizzing import attempts, complete_course, form_of, quiz, right_answers
from tests.queries import statements


def test_opening_a_lesson_marks_it_read(client, learner):
    assert client.get("/courses/safe-accounts/lessons/phishing").status_code == 200
    client.get("/courses/safe-accounts/lessons/phishing")
    reads = db.session.execute(db.select(LessonRead)).scalars().all()
    assert [(r.user_id, r.lesson_slug) for r in reads] == [(learner.id, "phishing")]
    outline = client.get("/courses/safe-accounts/").get_data(as_text=True)
    assert "Read · quiz not passed yet" in outline and "Not started" in outline


def test_reopening_a_read_lesson_writes_nothing(client, learner):
    path = "/courses/safe-accounts/lessons/phishing"
    client.get(path)
    pages = []
    sent = statements(lambda: pages.extend([client.get(path), client.get(path)]))
    first, second = pages
    kinds = [statement.split(None, 1)[0].upper() for statement in sent]
    assert first.status_code == second.status_code == 200
    assert set(kinds) == {"SELECT"}, kinds  # no INSERT/UPDATE on a page view once read
    assert len(kinds) <= 2 * 10
    # The same quiz token and question order on both visits.
    assert form_of(first.get_data(as_text=True), "phishing") == form_of(
        second.get_data(as_text=True), "phishing"
    )


def test_lesson_has_previous_and_next(client, learner):
    page = client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True)
    assert 'rel="next" href="/courses/safe-accounts/lessons/phishing"' in page and 'rel="prev"' not in page
    page = client.get("/courses/safe-accounts/lessons/phishing").get_data(as_text=True)
    assert 'rel="prev" href="/courses/safe-accounts/lessons/passwords"' in page


def test_submitting_grades_on_the_server_and_shows_the_result(client, learner):
    token, _ = form_of(
        client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True), "safe-password"
    )
    answers = right_answers("safe-password") | {
        "q1": quiz("safe-password").spec["questions"][1]["options"][1]["id"]
    }
    response = client.post("/quizzes/submit", data={"token": token, **answers})
    assert response.status_code == 302 and response.headers["Location"].startswith("/attempts/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Passed: 75% (pass mark 60%)" in page
    assert page.count("<strong>Right</strong>") == 3 and page.count("<strong>Wrong</strong>") == 1
    assert "Explanation shown once the quiz is <strong>submitted</strong>" in page
    progress = db.session.execute(db.select(QuizProgress)).scalar_one()
    assert (progress.attempts, progress.best_score, progress.passed_at is not None) == (1, 75, True)


def test_chosen_options_feedback_is_shown_after_submission(client, learner):
    token, _ = form_of(
        client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True), "safe-password"
    )
    options = quiz("safe-password").spec["questions"][0]["options"]
    response = client.post("/quizzes/submit", data={"token": token, "q0": [options[1]["id"]]})
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nobody else should ever know your password." in page and "Not passed: 0%" in page


def test_a_replayed_post_records_one_attempt_and_shows_the_same_result(client, learner):
    token, _ = form_of(
        client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True), "safe-password"
    )
    first = client.post("/quizzes/submit", data={"token": token, **right_answers("safe-password")})
    again = client.post("/quizzes/submit", data={"token": token, "q0": "nonsense"})
    assert first.headers["Location"] == again.headers["Location"]
    assert len(attempts()) == 1 and attempts()[0].score == 100
    assert db.session.execute(db.select(QuizProgress)).scalar_one().attempts == 1


def test_a_new_token_after_each_submission_and_the_same_on_reload(client, learner):
    page = client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True)
    token, order = form_of(page, "safe-password")
    assert form_of(
        client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True), "safe-password"
    ) == (token, order)
    client.post("/quizzes/submit", data={"token": token})
    assert (
        form_of(
            client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True), "safe-password"
        )[0]
        != token
    )


def test_grading_follows_option_ids_whatever_the_order(client, learner):
    for _ in range(3):
        token, _ = form_of(
            client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True), "safe-password"
        )
        client.post("/quizzes/submit", data={"token": token, **right_answers("safe-password")})
    assert [attempt.score for attempt in attempts()] == [100, 100, 100]
    assert len({attempt.seed for attempt in attempts()}) == 3


def test_form_questions_shuffle_by_seed_and_hide_answers(app, sample_course):
    from lms.learning.quizforms import form_questions

    spec = quiz("safe-password").spec
    first = form_questions(spec, 7, shuffle=True)
    assert form_questions(spec, 7, shuffle=True) == first  # stable on reload of the same attempt
    orders = {tuple(q["index"] for q in form_questions(spec, seed, shuffle=True)) for seed in range(20)}
    assert len(orders) > 1
    assert [q["index"] for q in form_questions(spec, 7, shuffle=False)] == [0, 1, 2, 3]
    for question in first:
        assert set(question) == {"index", "kind", "html", "options"}
        assert all(set(option) == {"id", "html"} for option in question["options"])


def test_attempt_limit_is_enforced_on_the_server(client, learner):
    for _ in range(3):
        token, _ = form_of(
            client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True), "safe-password"
        )
        client.post("/quizzes/submit", data={"token": token})
    page = client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True)
    assert "You have used all attempts at this quiz." in page
    from lms.learning import quizforms

    forged = quizforms.make_token(learner.id, quiz("safe-password").id, 1, "fresh")
    response = client.post(
        "/quizzes/submit", data={"token": forged, **right_answers("safe-password")}, follow_redirects=True
    )
    assert "You have used all 3 attempts at this quiz." in response.get_data(as_text=True)
    assert len(attempts()) == 3


def test_tokens_are_bound_to_their_user(client, auth, world, learner):
    token, _ = form_of(
        client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True), "safe-password"
    )
    auth.logout()
    auth.login(world.trainer_kol)
    response = client.post("/quizzes/submit", data={"token": token}, follow_redirects=True)
    assert "This quiz form is not valid any more" in response.get_data(as_text=True)
    assert client.post("/quizzes/submit", data={"token": "forged"}, follow_redirects=True).status_code == 200
    assert attempts() == []


def test_expired_session_keeps_the_answers_until_sign_in(client, auth, learner):
    token, _ = form_of(
        client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True), "safe-password"
    )
    with client.session_transaction() as state:
        state.clear()  # the session expired while the sahayak was answering
    response = client.post("/quizzes/submit", data={"token": token, **right_answers("safe-password")})
    assert response.headers["Location"].startswith("/login?next=")
    assert "Sign in again and your answers will be recorded" in client.get("/login").get_data(as_text=True)
    assert attempts() == []
    response = auth.login(learner, query_string={"next": "/quizzes/resume"})
    assert response.headers["Location"] == "/quizzes/resume"
    result = client.get("/quizzes/resume")
    assert result.headers["Location"] == f"/attempts/{attempts()[0].id}"
    assert len(attempts()) == 1 and attempts()[0].score == 100


def test_kept_answers_are_not_lost_when_recording_them_fails(client, auth, learner, monkeypatch):
    # Forgetting the kept answers and recording them are one transaction.
    from werkzeug.datastructures import MultiDict

    from lms.learning import services
    from lms.learning.models import PendingAnswers

    token, _ = form_of(
        client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True), "safe-password"
    )
    key = services.keep_pending(token, MultiDict(right_answers("safe-password")), "127.0.0.1")

    def broken(*_args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "_record", broken)
    with pytest.raises(RuntimeError):
        services.submit_pending(learner, key)
    db.session.rollback()
    assert db.session.execute(db.select(PendingAnswers).filter_by(key=key)).scalar_one().token == token
    monkeypatch.undo()
    assert services.submit_pending(learner, key).score == 100
    assert db.session.execute(db.select(PendingAnswers)).first() is None


def test_results_belong_to_their_owner(client, auth, world, learner):
    token, _ = form_of(
        client.get("/courses/safe-accounts/lessons/passwords").get_data(as_text=True), "safe-password"
    )
    location = client.post("/quizzes/submit", data={"token": token}).headers["Location"]
    auth.logout()
    auth.login(world.sahayak_dar)
    assert client.get(location).status_code == 404


def test_completion_when_every_lesson_is_read_and_every_quiz_passed(client, learner):
    complete_course(client)
    completion = db.session.execute(db.select(Completion)).scalar_one()
    assert completion.user_id == learner.id
    outline = client.get("/courses/safe-accounts/").get_data(as_text=True)
    assert "100% done" in outline and "Completed" in outline
    assert "Completed" in client.get("/progress").get_data(as_text=True)
