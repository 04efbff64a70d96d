"""Values kept for the life of the app, for things that never change once made (a published
lesson, a rendered fragment, a checked signature): computed on first use, then reused.

Kept on the app, not the module, so each app (every test makes its own) keeps its own."""

from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")


def kept(name: str, key: Hashable, make: Callable[[], T], limit: int = 1) -> T:
    """`make()`'s value for `key` in the app's store `name`, made once. A store holding
    `limit` values is emptied before the next is added (rare: its values are made again)."""
    store = current_app.extensions.setdefault(f"lms.kept.{name}", {})
    if key not in store:
        if len(store) >= limit:
            store.clear()
        store[key] = make()
    return store[key]
