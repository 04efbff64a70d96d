"""Publishing: immutable versions, idempotent re-publish, all-or-nothing, safe HTML, no answer keys."""

import re

from lms.courses.models import Course, CourseFile, CourseVersion, PublishEvent, Quiz
from lms.courses.parser import parse_course
from lms.courses.problems import CourseInvalid
from lms.courses.rendering import quiz_parts
from lms.courses.services import publish
from lms.extensions import db
from tests.courses.samples import LESSON_ONE, LESSON_TWO, course_files
from tests.courses.test_cli import write_course


def count(model) -> int:
    return len(db.session.execute(db.select(model)).scalars().all())


def test_publish_stores_a_complete_version(app, make_user):
    trainer = make_user("trainer")
    outcome = publish(parse_course("safe-accounts", course_files()), trainer, "cli")
    version = outcome.version
    assert outcome.created and version.number == 1 and version.published_by_id == trainer.id
    assert version.course.live_version_id == version.id
    assert [lesson.slug for lesson in version.lessons] == ["passwords", "phishing"]
    assert count(CourseFile) == 4
    quiz = db.session.execute(db.select(Quiz).filter_by(key="safe-password")).scalar_one()
    assert (quiz.pass_mark, quiz.attempts, quiz.shuffle) == (60, 3, True)  # the course's pass mark
    assert db.session.execute(db.select(Quiz).filter_by(key="phishing")).scalar_one().pass_mark == 80
    kinds = [question["kind"] for question in quiz.spec["questions"]]
    assert kinds == ["multiple", "single", "text", "numeric"]
    event = db.session.execute(db.select(PublishEvent)).scalar_one()
    assert (event.actor_id, event.origin, event.version_id) == (trainer.id, "cli", version.id)


def test_republishing_unchanged_content_creates_nothing(app):
    publish(parse_course("safe-accounts", course_files()), None, "cli")
    again = publish(parse_course("safe-accounts", course_files()), None, "cli")
    assert not again.created and again.version.number == 1
    assert count(CourseVersion) == 1 and count(PublishEvent) == 1


def test_changed_content_makes_a_new_version_and_keeps_the_old(app):
    first = publish(parse_course("safe-accounts", course_files()), None, "cli").version
    changed = course_files(**{"02-phishing.md": LESSON_TWO.replace("Links can lie.", "Links often lie.")})
    second = publish(parse_course("safe-accounts", changed), None, "cli").version
    assert second.number == 2 and second.course.live_version_id == second.id
    assert db.session.get(CourseVersion, first.id).lessons[1].html != second.lessons[1].html
    hashes = {quiz.key: quiz.content_hash for quiz in db.session.execute(db.select(Quiz)).scalars()}
    assert len(hashes) == 2  # unchanged quizzes keep their content hash across versions
    assert count(Quiz) == 4


def test_a_course_with_problems_is_not_published_and_the_live_version_stays(app):
    publish(parse_course("safe-accounts", course_files()), None, "cli")
    broken = course_files(**{"02-phishing.md": LESSON_TWO.replace("- [x] No", "- [ ] No")})
    try:
        publish(parse_course("safe-accounts", broken), None, "cli")
    except CourseInvalid as invalid:
        assert "mark at least one option right" in str(invalid.problems[0].message)
    else:
        raise AssertionError("should not publish")
    course = db.session.execute(db.select(Course)).scalar_one()
    assert course.live_version.number == 1 and count(CourseVersion) == 1


def test_no_answer_key_reaches_the_lesson_html(app):
    version = publish(parse_course("safe-accounts", course_files()), None, "cli").version
    html = version.lessons[0].html
    for secret in (
        "Nobody else should ever know",
        "schedule",
        "শিডিউল",
        "42",
        "Explanation shown",
        "Turning on two-step",
    ):
        assert secret not in html, secret
    assert [part.get("quiz") for part in quiz_parts(html) if "quiz" in part] == ["safe-password"]
    assert "? not a question" in html  # ordinary code stays


def test_option_ids_are_opaque_and_stable(app):
    version = publish(parse_course("safe-accounts", course_files()), None, "cli").version
    quiz = db.session.execute(
        db.select(Quiz).filter_by(version_id=version.id, key="safe-password")
    ).scalar_one()
    ids = [option["id"] for option in quiz.spec["questions"][0]["options"]]
    assert len(set(ids)) == 3 and all(re.fullmatch(r"[0-9a-f]{12}", i) for i in ids)
    again = parse_course("safe-accounts", course_files())
    from lms.courses.rendering import quiz_spec

    assert [
        o["id"] for o in quiz_spec(again.lessons[0].quizzes[0], lambda p: None)["questions"][0]["options"]
    ] == ids


XSS = """---
title: XSS
---
<script>alert(1)</script>
<img src="x" onerror="alert(2)">
<a href="javascript:alert(3)">click</a>
[link](javascript:alert(4))
<iframe src="https://evil.example"></iframe>
<div onclick="alert(5)" style="background:url(javascript:alert(6))">x</div>
<svg onload="alert(7)"></svg>
<form action="https://evil.example"><input name=a></form>
<a href="data:text/html,<script>alert(8)</script>">d</a>

```quiz id=xss-quiz
? <script>alert(9)</script> **bold**
- [x] <img src=x onerror=alert(10)> yes
- [ ] [no](javascript:alert(11))
  > <script>alert(12)</script>
---
<script>alert(13)</script>
```
"""


def test_trainer_markdown_is_sanitised_everywhere(app):
    version = publish(parse_course("safe-accounts", course_files(**{"03-xss.md": XSS})), None, "cli").version
    lesson = version.lessons[2]
    quiz = db.session.execute(db.select(Quiz).filter_by(key="xss-quiz")).scalar_one()
    stored = lesson.html + str(quiz.spec)
    for needle in (
        "<script",
        "onerror",
        "onclick",
        "onload",
        "javascript:",
        "<iframe",
        "<svg",
        "<form",
        "data:text",
        "style=",
    ):
        assert needle not in stored, needle
    assert "<strong>bold</strong>" in quiz.spec["questions"][0]["html"]


def test_relative_links_resolve_to_assets_and_lessons(app):
    version = publish(parse_course("safe-accounts", course_files()), None, "cli").version
    assert 'src="/courses/safe-accounts/v1/files/images/lock.png"' in version.lessons[0].html
    assert 'href="/courses/safe-accounts/lessons/passwords"' in version.lessons[1].html


def test_heading_anchors_keep_bengali_vowel_signs(app):
    version = publish(parse_course("safe-accounts", course_files()), None, "cli").version
    assert '<h2 id="c-পাসওয়ার্ড-কেন-জরুরি">' in version.lessons[0].html


def test_cli_publish_is_idempotent_and_all_or_nothing(runner, tmp_path):
    folder = write_course(tmp_path / "courses" / "safe-accounts")
    result = runner.invoke(args=["courses", "publish", str(tmp_path / "courses")])
    assert result.exit_code == 0 and "safe-accounts: published version 1" in result.output
    result = runner.invoke(args=["courses", "publish", str(folder)])
    assert "safe-accounts: unchanged, live version 1" in result.output
    (folder / "02-phishing.md").write_text(
        LESSON_TWO.replace("id=phishing", "id=safe-password"), encoding="utf-8"
    )
    result = runner.invoke(args=["courses", "publish", str(folder)])
    assert result.exit_code == 1
    assert (
        f"{folder}/02-phishing.md:6: quiz id safe-password is already used at 01-passwords.md:14"
        in result.output
    )
    assert "not published; the live version stays" in result.output
    assert count(CourseVersion) == 1


def test_quiz_hash_is_stored_per_quiz(app):
    publish(parse_course("safe-accounts", course_files()), None, "cli")
    changed = course_files(**{"01-passwords.md": LESSON_ONE.replace("= 42 +- 0", "= 42 +- 1")})
    publish(parse_course("safe-accounts", changed), None, "cli")
    rows = db.session.execute(db.select(Quiz.key, Quiz.content_hash)).all()
    by_key: dict[str, set] = {}
    for key, digest in rows:
        by_key.setdefault(key, set()).add(digest)
    assert len(by_key["safe-password"]) == 2 and len(by_key["phishing"]) == 1
