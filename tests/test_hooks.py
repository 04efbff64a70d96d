"""Packages that plug themselves in (issue 26): each domain package declares one feature, the
questions a package asks are typed stubs where it asks them, and every answer a feature names
has its question's signature (checked as the app is built, and here)."""

import importlib
from pathlib import Path

import pytest

from lms import create_app, features
from lms.core import hooks
from lms.core.features import Feature
from lms.core.hooks import Hook, hook
from lms.people import asks as people

LMS = Path(__file__).resolve().parent.parent / "lms"
SETTINGS = {"TESTING": True, "SECRET_KEY": "-", "SQLALCHEMY_DATABASE_URI": "sqlite://"}


def test_every_answer_has_its_questions_signature():
    answered = [(question, answer) for feature in features() for question, answer in feature.answers]
    assert answered, "no feature answers anything"
    mismatches = [
        f"{answer.__qualname__}: {why}" for question, answer in answered if (why := question.mismatch(answer))
    ]
    assert mismatches == []


@hook
def _asked(actor_id: int, name: str) -> list[str]:
    """A question for this test."""


def test_an_answer_with_another_signature_is_refused_when_the_app_is_built():
    def too_few(actor_id: int) -> list[str]:
        return []

    def wrong_type(actor_id: str, name: str) -> list[str]:
        return []

    def wrong_result(actor_id: int, name: str) -> dict:
        return {}

    def fine(actor, name) -> list[str]:  # annotations left out are not held against it
        return [name]

    app = create_app(SETTINGS)
    for wrong in (too_few, wrong_type, wrong_result):
        with pytest.raises(TypeError, match=r"cannot answer tests\.test_hooks\._asked"):
            hooks.register(app, _asked, wrong)
    hooks.register(app, _asked, fine)
    with app.app_context():
        assert _asked.answers(1, "x") == [["x"]]


def test_each_domain_package_declares_one_feature_and_create_app_installs_them_all():
    installed = {feature.name for feature in features()}
    packages = {path.parent.name for path in LMS.glob("*/feature.py")}
    assert installed == packages
    for name in packages:
        module = importlib.import_module(f"lms.{name}.feature")
        assert isinstance(module.feature, Feature) and module.feature.name == name
    app = create_app(SETTINGS)
    blueprints = {blueprint.name for feature in features() for blueprint in feature.blueprints}
    assert blueprints <= set(app.blueprints)
    assert {command.name for feature in features() for command in feature.commands} <= set(app.cli.commands)


def test_questions_are_declared_where_they_are_asked_and_named_by_module():
    assert isinstance(people.person_sections, Hook)
    assert people.person_sections.name == "lms.people.asks.person_sections"
    assert "On `person`'s page" in people.person_sections.__doc__
    declared = [path for path in LMS.rglob("asks.py")]
    assert {path.parent.name for path in declared} == {"people", "jobs", "courses", "learning", "batches"}
