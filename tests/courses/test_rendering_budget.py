"""No lesson or preview holds a worker beyond its time budget: python-markdown is quadratic on
some inputs, so rendering runs in a child that is killed when a file runs over; files over
the size limit are never rendered at all."""

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.courses.models import CourseVersion, DraftFile
from lms.courses.parser import parse_course
from lms.courses.problems import TooSlow
from lms.courses.rendering import render_one
from lms.extensions import db
from tests.conftest import AuthActions
from tests.courses.samples import LESSON_TWO, course_files
from tests.courses.test_cli import write_course
from tests.courses.test_web import own

BUDGET = 0.5  # seconds, so the suite stays quick; the default (2 s) is tested once
# Times below guard against hangs (a quadratic input takes minutes), not for speed: generous
# margins keep a busy machine from failing them.
HANG = 5
BRACKETS = "[" * 40_000 + "](x)"  # python-markdown would take minutes over this one link
SLOW_LESSON = LESSON_TWO.replace("Links can lie.", f"Links can lie.\n\nSee {BRACKETS}\n")
TOO_LONG = "this lesson takes too long to render"


@pytest.fixture
def quick(make_app):
    """An app with a short time budget, its context pushed."""
    app = make_app(RENDER_SECONDS=BUDGET)
    with app.app_context():
        yield app
        db.session.remove()


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_the_default_budget_holds_against_forty_thousand_brackets_in_a_link(make_app):
    from lms.config import Defaults

    app = make_app(RENDER_SECONDS=Defaults.RENDER_SECONDS)  # the suite's own is longer
    with app.app_context():
        source = parse_course("safe-accounts", course_files(**{"02-phishing.md": SLOW_LESSON}))
        (rendered, problem), seconds = timed(lambda: render_one(source, 1, "02-phishing.md"))
    assert rendered is None and isinstance(problem, TooSlow) and seconds < 2 + HANG
    assert problem.line == 6 and TOO_LONG in str(
        problem.message
    )  # the long line, after front matter and prose


def test_a_file_over_the_size_limit_is_a_problem_and_never_rendered(app):
    huge = "---\ntitle: Huge\n---\n" + "[" * 300_000
    source, seconds = timed(lambda: parse_course("safe-accounts", course_files(**{"02-phishing.md": huge})))
    assert seconds < HANG
    problems = [(p.file, p.line, str(p.message)) for p in source.problems]
    assert ("02-phishing.md", 1, "the file is larger than 256 KB: split it into several lessons") in problems
    assert all(lesson.path != "02-phishing.md" for lesson in source.lessons)  # nothing left to render


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="[]()*_`<>!#\\ \nab1", min_size=1, max_size=6000))
def test_any_text_renders_or_is_refused_within_the_budget(quick, text):
    source = parse_course(
        "safe-accounts", course_files(**{"02-phishing.md": f"---\ntitle: T\n---\n{text}\n"})
    )
    if all(lesson.path != "02-phishing.md" for lesson in source.lessons):
        return  # the checker already refused it (e.g. an unclosed fence): nothing to render
    (rendered, problem), seconds = timed(lambda: render_one(source, 1, "02-phishing.md"))
    assert seconds < BUDGET + HANG
    assert (rendered is None) == isinstance(problem, TooSlow)


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "x",
        "*" * 20_000 + "x" + "_" * 20_000,
        "`" * 30_000,
        "<" * 60_000 + "a",
        "[a](" * 8000,
        "![" * 10_000 + "](x)",
        "> " * 20_000 + "x",
        "- " * 30_000 + "x",
    ],
    ids=["brackets", "emphasis", "backticks", "angles", "nested links", "images", "quotes", "lists"],
)
def test_hand_made_pathological_lessons_are_bounded(quick, text):
    source = parse_course(
        "safe-accounts", course_files(**{"02-phishing.md": f"---\ntitle: T\n---\n{text}\n"})
    )
    (_, _problem), seconds = timed(lambda: render_one(source, 1, "02-phishing.md"))
    assert seconds < BUDGET + HANG


def test_check_names_the_slow_lesson_by_path_and_line(quick, tmp_path):
    folder = write_course(tmp_path / "safe-accounts", **{"02-phishing.md": SLOW_LESSON})
    result, seconds = timed(lambda: quick.test_cli_runner().invoke(args=["courses", "check", str(folder)]))
    assert result.exit_code == 1 and seconds < BUDGET + HANG
    assert f"{folder}/02-phishing.md:6: {TOO_LONG}" in result.output


def test_preview_save_publish_and_review_stay_within_the_budget(quick, world, sample_course):
    own(world, sample_course)
    client = quick.test_client()
    AuthActions(client).login(world.trainer_kol)
    url = "/courses/safe-accounts/edit/02-phishing.md"
    preview, seconds = timed(lambda: client.post(url, data={"text": SLOW_LESSON, "action": "preview"}))
    assert seconds < BUDGET + HANG and TOO_LONG in preview.get_data(as_text=True)
    client.post(url, data={"text": SLOW_LESSON, "action": "save"})
    assert db.session.execute(db.select(DraftFile.slow)).scalar_one() is True
    published = client.post("/courses/safe-accounts/publish", follow_redirects=True)
    assert TOO_LONG in published.get_data(as_text=True)
    assert [v.number for v in db.session.execute(db.select(CourseVersion)).scalars()] == [1]
    assert TOO_LONG in client.get("/courses/safe-accounts/review").get_data(as_text=True)


def test_a_draft_that_ran_over_is_never_rendered_again_on_a_get(quick, world, sample_course, monkeypatch):
    own(world, sample_course)
    client = quick.test_client()
    AuthActions(client).login(world.trainer_kol)
    url = "/courses/safe-accounts/edit/02-phishing.md"
    client.post(url, data={"text": SLOW_LESSON, "action": "save"})
    renders = []
    monkeypatch.setattr("lms.courses.drafts.render_one", lambda *args: renders.append(args))
    page = client.get(url).get_data(as_text=True)
    assert renders == [] and TOO_LONG in page


def test_a_saved_draft_is_rendered_once_and_its_preview_reused(quick, world, sample_course, monkeypatch):
    own(world, sample_course)
    client = quick.test_client()
    AuthActions(client).login(world.trainer_kol)
    url = "/courses/safe-accounts/edit/02-phishing.md"
    client.post(
        url, data={"text": LESSON_TWO.replace("Links can lie.", "Links can lie, often."), "action": "save"}
    )
    renders = []
    monkeypatch.setattr("lms.courses.drafts.render_one", lambda *args: renders.append(args))
    page = client.get(url).get_data(as_text=True)
    assert (
        renders == [] and "Links can lie, often." in page and "Is a message asking for your OTP safe?" in page
    )
