"""The registry of question kinds is the one place that knows each kind, end to end."""

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import render_template
from werkzeug.datastructures import MultiDict

from lms.courses.kinds import KINDS, Kind, chosen_options, kind_of
from lms.courses.parser import parse_course
from lms.courses.quizzes import QuizBlock, parse_quiz
from lms.courses.rendering import quiz_spec
from lms.learning.grading import grade
from lms.learning.quizforms import answers_from_form, form_questions
from tests.courses.samples import course_files

ROOT = Path(__file__).resolve().parents[2]
KIND_NAME = re.compile(r"""(["'])(single|multiple|text|numeric)\1""")
# Where these words mean something else, checked by hand: a form field and HTML input attributes.
UNRELATED = {
    "lms/courses/views.py": ['{"text": '],
    "templates/reports/dashboard.html": ['inputmode="numeric"'],
    "bench/web.py": ['.get("type", "text")'],
}
# The sample quiz as stored by every version so far: changing this breaks existing databases.
STORED = {
    "questions": [
        {
            "kind": "multiple",
            "html": "Which of these make an account safer?",
            "options": [
                {"id": "32d5abb7ad91", "html": "Turning on two-step verification", "correct": True,
                 "feedback_html": ""},
                {"id": "674c48339d08", "html": "Sharing the password with a trusted friend", "correct": False,
                 "feedback_html": "Nobody else should ever know your password."},
                {"id": "4e9a0e0d9619", "html": "A long passphrase used nowhere else", "correct": True,
                 "feedback_html": ""},
            ],
        },
        {
            "kind": "single",
            "html": "What should you do before forwarding a viral photo?",
            "options": [
                {"id": "f202b302a31e", "html": "Check where it first appeared", "correct": True,
                 "feedback_html": ""},
                {"id": "5e51461256ef", "html": "Forward it quickly before it is deleted", "correct": False,
                 "feedback_html": ""},
            ],
        },
        {
            "kind": "text",
            "html": "সংক্ষেপে লিখুন: পোস্ট নির্ধারিত সময়ে প্রকাশ করার বৈশিষ্ট্যের নাম কী?",
            "accepted": ["schedule", "শিডিউল", "সময় নির্ধারণ"],
        },
        {
            "kind": "numeric",
            "html": "How many Lok Sabha constituencies does West Bengal have?",
            "value": 42.0,
            "tolerance": 0.0,
        },
    ],
    "explanation_html": "<p>Explanation shown once the quiz is <strong>submitted</strong>.</p>",
}  # fmt: skip


def sample_quiz() -> QuizBlock:
    """The sample course's first quiz: one question of each kind."""
    return parse_course("safe-accounts", course_files()).lessons[0].quizzes[0]


def stored_question(name: str) -> dict:
    """The sample quiz's stored question of one kind."""
    return next(question for question in STORED["questions"] if question["kind"] == name)


def posted(name: str, answer) -> MultiDict:
    """A form posting one answer under `name`, as a browser would."""
    values = answer if isinstance(answer, list) else [answer]
    return MultiDict([(name, value) for value in values])


def test_kinds_are_registered_under_their_names():
    assert set(KINDS) == {"single", "multiple", "text", "numeric"}
    assert all(isinstance(kind, Kind) and kind.name == name for name, kind in KINDS.items())


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("? Q\n- [x] a\n- [ ] b", "single"),
        ("? Q\n- [ ] a\n- [ ] b", "single"),  # no right option: the checker says so
        ("? Q\n- [x] a\n- [x] b\n- [ ] c", "multiple"),
        ("? Q\n= a | b", "text"),
        ("? Q", "text"),  # no answer at all: the checker says so
        ("? Q\n= 1.5 +- 0.25", "numeric"),
    ],
)
def test_kind_of_picks_exactly_one_kind(body, name):
    question = parse_quiz("quiz id=k", body.splitlines(), 1)[0].questions[0]
    assert [kind.name for kind in KINDS.values() if kind.claims(question)] == [name]
    assert kind_of(question) is KINDS[name] and question.kind == name


def test_stored_spec_keeps_its_format_and_option_ids(app):
    spec = quiz_spec(sample_quiz(), lambda path: None)
    assert json.loads(json.dumps(spec)) == spec == STORED
    assert [list(question) for question in spec["questions"]] == [list(q) for q in STORED["questions"]]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_kind_round_trips_through_form_and_grading(name):
    kind, question = KINDS[name], stored_question(name)
    spec = {"questions": [question]}
    right = answers_from_form(spec, posted("q0", kind.sample(question)))
    assert kind.read(posted("q0", kind.sample(question)), "q0") == right["0"]
    assert grade(spec, right, 100).results == [True]
    assert grade(spec, answers_from_form(spec, MultiDict()), 0).results == [False]
    assert grade(spec, {}, 0).results == [False]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_kind_has_a_form_partial_that_renders(app, name):
    kind = KINDS[name]
    assert (ROOT / "templates" / kind.form_template).is_file()
    shown = form_questions({"questions": [stored_question(name)]}, seed=1, shuffle=False)[0]
    assert shown["options"] == kind.shown_options(stored_question(name))
    assert all(set(option) == {"id", "html"} for option in shown["options"])  # no answers leak
    with app.test_request_context():
        html = render_template(kind.form_template, question=shown, name="q0", quiz=SimpleNamespace(key="k"))
    assert 'name="q0"' in html
    assert all(f'value="{option["id"]}"' in html for option in shown["options"])


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("multiple", "✘ Sharing the password with a trusted friend <em>— Nobody else should ever know"),
        ("single", "<li>✔ Check where it first appeared</li>"),
        ("text", "<p>= schedule | শিডিউল | সময় নির্ধারণ</p>"),
        ("numeric", "<p>= 42.0 ± 0.0</p>"),
    ],
)
def test_each_kind_has_an_answer_key_partial(app, name, key):
    kind = KINDS[name]
    assert (ROOT / "templates" / kind.key_template).is_file()
    question = next(question for question in sample_quiz().questions if question.kind == name)
    with app.test_request_context():
        assert key in render_template(kind.key_template, question=question)


def test_choice_kinds_show_chosen_options_feedback_and_wrong_choices():
    question = stored_question("multiple")
    wrong, right = question["options"][1]["id"], question["options"][0]["id"]
    shown = KINDS["multiple"].result(question, [wrong, right])
    assert [option["chosen"] for option in shown["options"]] == [True, True, False]
    assert shown["feedback"] == ["Nobody else should ever know your password."] and shown["typed"] is None
    assert KINDS["multiple"].wrong_choices(question, [right, wrong, wrong]) == [wrong]
    single = stored_question("single")
    assert KINDS["single"].wrong_choices(single, single["options"][1]["id"]) == [single["options"][1]["id"]]


@pytest.mark.parametrize("name", ["text", "numeric"])
def test_typed_kinds_show_the_typed_answer_and_count_no_choices(name):
    kind, question = KINDS[name], stored_question(name)
    assert kind.result(question, "৪১") == {"options": [], "typed": "৪১", "feedback": []}
    assert kind.shown_options(question) == [] and kind.wrong_choices(question, "৪১") == []


@pytest.mark.parametrize(
    ("answer", "chosen"),
    [(None, set()), ("", set()), ("a", {"a"}), (["a", "b", "a"], {"a", "b"}), ([], set())],
)
def test_chosen_options(answer, chosen):
    assert chosen_options(answer) == chosen


def test_no_code_outside_the_registry_names_a_kind():
    """A branch on a kind name anywhere else means the registry is no longer the one source."""
    found = []
    for folder in ("lms", "templates", "bench"):
        for path in sorted((ROOT / folder).rglob("*")):
            relative = path.relative_to(ROOT).as_posix()
            if path.suffix not in {".py", ".html", ".js"} or relative == "lms/courses/kinds.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                for unrelated in UNRELATED.get(relative, []):
                    line = line.replace(unrelated, "")
                if KIND_NAME.search(line):
                    found.append(f"{relative}:{number}: {line.strip()}")
    assert found == [], "ask lms.courses.kinds.KINDS instead of naming a kind"
