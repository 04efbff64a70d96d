"""Taking quizzes as a learner does, through the real forms."""

import re

from lms.courses.models import Course, Quiz
from lms.extensions import db
from lms.learning.models import Attempt


def quiz(key: str) -> Quiz:
    course = db.session.execute(db.select(Course)).scalar_one()
    return db.session.execute(
        db.select(Quiz).filter_by(version_id=course.live_version_id, key=key)
    ).scalar_one()


def form_of(page: str, key: str) -> tuple[str, list[str]]:
    """The token and question order (indexes) of a quiz form on a lesson page."""
    section = page.split(f'id="quiz-{key}"', 1)[1]
    token = re.search(r'name="token" value="([^"]+)"', section).group(1)
    order = re.findall(r'name="q(\d+)"', section)
    return token, list(dict.fromkeys(order))


def right_answers(key: str) -> dict:
    """Form data answering every question of the quiz right."""
    data = {}
    for index, question in enumerate(quiz(key).spec["questions"]):
        if question["kind"] in ("single", "multiple"):
            data[f"q{index}"] = [o["id"] for o in question["options"] if o["correct"]]
        elif question["kind"] == "numeric":
            data[f"q{index}"] = "৪২"
        else:
            data[f"q{index}"] = question["accepted"][0].upper()
    return data


def attempts() -> list[Attempt]:
    return db.session.execute(db.select(Attempt).order_by(Attempt.id)).scalars().all()


def complete_course(client):
    for lesson, key in (("passwords", "safe-password"), ("phishing", "phishing")):
        token, _ = form_of(client.get(f"/courses/safe-accounts/lessons/{lesson}").get_data(as_text=True), key)
        client.post("/quizzes/submit", data={"token": token, **right_answers(key)})
