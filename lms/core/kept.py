"""Values kept for the life of the app, for things that never change once made (a published
lesson, a rendered fragment, a checked signature): computed on first use, then reused.

Kept on the app, not the module, so each app (every test makes its own) keeps its own. Every
store is bounded twice, by entries and by bytes, so no sequence of requests can make a worker
grow past the sum of the stores' budgets (docs/security.md, "Memory")."""

import dataclasses
import sys
from collections.abc import Callable, Hashable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")
MISSING = object()
DEFAULT_BUDGET = 1024 * 1024  # bytes a store may hold unless its caller says otherwise


@dataclasses.dataclass
class Store:
    """One store's values and the bytes they take, as `size_of` counts them."""

    values: dict = dataclasses.field(default_factory=dict)
    size: int = 0


def store_of(name: str) -> Store:
    """The app's store `name` (made empty on first use)."""
    return current_app.extensions.setdefault(f"lms.core.kept.{name}", Store())


def kept(name: str, key: Hashable, make: Callable[[], T], limit: int = 1, budget: int = DEFAULT_BUDGET) -> T:
    """`make()`'s value for `key` in the app's store `name`, made once (see `keep`)."""
    value = lookup(name, key)
    if value is MISSING:
        value = make()
        keep(name, key, value, limit, budget)
    return value


def lookup(name: str, key: Hashable):
    """The value kept for `key`, or MISSING."""
    return store_of(name).values.get(key, MISSING)


def keep(name: str, key: Hashable, value, limit: int = 1, budget: int = DEFAULT_BUDGET) -> None:
    """Keep `value` for `key`. A store that would hold more than `limit` values or `budget`
    bytes is emptied first (rare: its values are made again); a value larger than the whole
    budget is not kept at all."""
    store = store_of(name)
    size = size_of(key) + size_of(value)
    if size > budget:
        return
    if len(store.values) >= limit or store.size + size > budget:
        store.values.clear()
        store.size = 0
    store.values[key] = value
    store.size += size


def size_of(value) -> int:
    """Roughly how many bytes a value holds, its contents included (containers and dataclasses
    summed over what they hold; anything else as `sys.getsizeof` says)."""
    if isinstance(value, dict):
        return sys.getsizeof(value) + sum(size_of(k) + size_of(v) for k, v in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        return sys.getsizeof(value) + sum(size_of(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return sys.getsizeof(value) + sum(size_of(getattr(value, field.name)) for field in fields)
    return sys.getsizeof(value)
