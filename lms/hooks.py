"""Extension points: a lower package asks a question, the packages above it answer.

Dependencies point one way (docs/architecture.md): `people` may not import `batches`, yet a
person's page shows the courses they may lead batches of, so `people` asks
`answers("person_sections", …)` and `batches` registers its answer when the app is built.
Each hook is documented where it is asked.
"""

from collections.abc import Callable

from flask import Flask, current_app

_KEY = "lms.hooks"


def register(app: Flask, hook: str, answer: Callable) -> None:
    """Add an answer to a hook of this app (from a package's init_app)."""
    app.extensions.setdefault(_KEY, {}).setdefault(hook, []).append(answer)


def answers(hook: str, *args) -> list:
    """Every registered answer to the hook, called with `args`, in registration order."""
    return [answer(*args) for answer in current_app.extensions.get(_KEY, {}).get(hook, [])]
