"""Issue 16: the learner always knows what's next — tries left and "try again" after a fail,
the next lesson after a pass, a "course complete" page after the last quiz, and "waiting for
your certificate" until a cell head issues it."""

from lms.certificates.services import issue
from tests.learning.quizzing import complete_course, form_of, right_answers

PASSWORDS = "/courses/safe-accounts/lessons/passwords"  # its quiz allows 3 attempts


def submit(client, lesson: str, key: str, answers: dict) -> str:
    token, _ = form_of(client.get(lesson).get_data(as_text=True), key)
    reply = client.post("/quizzes/submit", data={"token": token, **answers})
    return client.get(reply.headers["Location"]).get_data(as_text=True)


def test_a_failed_quiz_says_how_many_tries_are_left_and_offers_to_try_again(client, learner):
    page = submit(client, PASSWORDS, "safe-password", {})
    assert "Not passed" in page and "You have 2 more tries at this quiz." in page
    assert f'href="{PASSWORDS}#quiz-safe-password">Try again' in page
    assert "You have 1 more try at this quiz." in submit(client, PASSWORDS, "safe-password", {})


def test_after_the_last_try_it_says_who_can_give_more(client, learner):
    for _ in range(2):
        submit(client, PASSWORDS, "safe-password", {})
    page = submit(client, PASSWORDS, "safe-password", {})
    assert (
        "You have used all your tries at this quiz. Your trainer or your cell head can give you more tries."
        in page
    )
    assert "Try again" not in page


def test_a_quiz_without_a_limit_offers_to_try_again_without_a_count(client, learner):
    page = submit(client, "/courses/safe-accounts/lessons/phishing", "phishing", {})
    assert "Try again" in page and "more tr" not in page


def test_a_pass_leads_to_the_next_lesson(client, learner):
    page = submit(client, PASSWORDS, "safe-password", right_answers("safe-password"))
    assert 'href="/courses/safe-accounts/lessons/phishing">Next lesson' in page


def test_completing_the_course_shows_what_happens_next_until_the_certificate_is_issued(
    client, auth, learner, world, sample_course
):
    assert client.get("/courses/safe-accounts/complete").headers["Location"] == "/courses/safe-accounts/"
    complete_course(client)
    assert "You have completed this course." in submit(
        client, "/courses/safe-accounts/lessons/phishing", "phishing", right_answers("phishing")
    )
    page = client.get("/courses/safe-accounts/complete").get_data(as_text=True)
    assert "Course complete" in page and "A cell head of your area issues your certificate." in page
    certificates = client.get("/certificates/").get_data(as_text=True)
    assert "Waiting for your certificate" in certificates and "নিরাপদ অ্যাকাউন্ট" in certificates
    assert "You have no certificate yet" not in certificates
    issue(world.head_kol, [(learner.id, sample_course.course_id)])
    certificates = client.get("/certificates/").get_data(as_text=True)
    assert "Waiting for your certificate" not in certificates and "DS-" in certificates
