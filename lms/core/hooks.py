"""Extension points: a lower package asks a question, the packages above it answer.

Dependencies point one way (docs/architecture.md): `people` may not import `batches`, yet a
person's page shows the courses they may lead batches of. So `people` declares the question
where it asks it, as a typed stub (`people/asks.py`):

    @hook
    def person_sections(actor: User, person: User) -> tuple[str, dict] | None:
        \"\"\"On a person's page: a section to add, or None.\"\"\"

asks it with `person_sections.answers(actor, person)`, and `batches` names its answer in its
feature (`lms/batches/feature.py`), checked against the declaration when the app is built:
an answer that takes other arguments or gives another type fails there, not on a page."""

import inspect
from collections.abc import Callable
from typing import Generic, ParamSpec, TypeVar

from flask import Flask, current_app

P = ParamSpec("P")
R = TypeVar("R")
_KEY = "lms.hooks"


class Hook(Generic[P, R]):
    """A question with the signature every answer must have (its declaration's)."""

    def __init__(self, declaration: Callable[P, R]) -> None:
        self.name = f"{declaration.__module__}.{declaration.__name__}"
        self.declaration = declaration
        self.__doc__ = declaration.__doc__

    def answers(self, *args: P.args, **kwargs: P.kwargs) -> list[R]:
        """Every answer registered in this app, called with the arguments, in order."""
        return [answer(*args, **kwargs) for answer in current_app.extensions.get(_KEY, {}).get(self.name, [])]

    def mismatch(self, answer: Callable) -> str | None:
        """Why `answer` cannot answer this hook, or None: the same parameters, in order, each
        of the declared type where the answer says one, and the declared result."""
        wanted, given = _signature(self.declaration), _signature(answer)
        ours, theirs = list(wanted.parameters.values()), list(given.parameters.values())
        if len(ours) != len(theirs):
            return f"takes {len(theirs)} argument(s), {self.name} gives {len(ours)}"
        for mine, yours in zip(ours, theirs, strict=True):
            if yours.annotation is not inspect.Parameter.empty and yours.annotation != mine.annotation:
                return f"{yours.name}: {yours.annotation!r}, {self.name} gives {mine.annotation!r}"
        if (
            given.return_annotation is not inspect.Signature.empty
            and given.return_annotation != wanted.return_annotation
        ):
            return f"returns {given.return_annotation!r}, {self.name} wants {wanted.return_annotation!r}"
        return None

    def __repr__(self) -> str:
        return f"<hook {self.name}>"


def hook(declaration: Callable[P, R]) -> Hook[P, R]:
    """Declare a question (a stub: its signature and docstring are the contract)."""
    return Hook(declaration)


def _signature(function: Callable) -> inspect.Signature:
    """A function's signature with its annotations resolved (modules may postpone them)."""
    return inspect.signature(function, eval_str=True)


def register(app: Flask, question: Hook, answer: Callable) -> None:
    """Add an answer to a question of this app; TypeError if its signature does not match."""
    if (why := question.mismatch(answer)) is not None:
        raise TypeError(f"{answer.__module__}.{answer.__qualname__} cannot answer {question.name}: {why}")
    app.extensions.setdefault(_KEY, {}).setdefault(question.name, []).append(answer)


def registered(app: Flask) -> dict[str, list[Callable]]:
    """Every question of the app with its answers (for `flask permissions`' sibling lists and tests)."""
    return app.extensions.get(_KEY, {})
