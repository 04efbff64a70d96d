"""Units of work: the one place that commits (tests/test_transactions.py fails on a commit
anywhere else).

- `@service`: a public service is one transaction, committed when it returns and rolled back
  when it raises. A service called by another joins its caller's transaction, so calling one
  never commits half of someone else's work.
- `one_by_one()` / `own_transaction()`: bulk work of independent items, each committed in its own short
  transaction (one failure never undoes the others, locks stay short), without expiring every
  loaded object at each commit, which would make a loop of n commits over n objects quadratic.
- `apart()`: a side transaction on a connection of its own, committed at once whatever the
  session does: job progress and heartbeats, a claim other workers must see now, a sign-in's
  last-seen time, rate-limit counters, the schema check.
- `after_commit(callback)`: work that must wait for the commit (queueing a job its worker
  must be able to read); `restart()`: the outermost service gives up its work so far (a race
  lost to another request) and goes on."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session

from lms.extensions import db

P = ParamSpec("P")
R = TypeVar("R")
DEPTH = "lms.unit_depth"  # session.info: how many services deep the current call is
LATER = "lms.after_commit"  # session.info: callbacks waiting for the outermost commit
WROTE = "lms.wrote"  # session.info: the transaction holds writes


def service(function: Callable[P, R]) -> Callable[P, R]:
    """Run `function` as one unit of work (see the module's docstring)."""

    @wraps(function)
    def unit(*args: P.args, **kwargs: P.kwargs) -> R:
        session = db.session()
        depth = session.info.get(DEPTH, 0)
        session.info[DEPTH] = depth + 1
        try:
            result = function(*args, **kwargs)
        except BaseException:
            session.info[DEPTH] = depth
            if depth == 0:
                _roll_back(session)
            raise
        session.info[DEPTH] = depth
        if depth == 0:
            try:
                _commit(session)
            except BaseException:
                _roll_back(session)
                raise
        return result

    unit.is_service = True  # read by tests/test_transactions.py
    return unit


def in_service() -> bool:
    """Whether a service is running (its caller's transaction is open)."""
    return db.session().info.get(DEPTH, 0) > 0


@contextmanager
def one_by_one() -> Iterator[None]:
    """Around a loop of `with own_transaction():` blocks: loaded objects are not expired at each item's
    commit, only once at the end."""
    if in_service():
        raise RuntimeError("bulk work commits item by item: it cannot run inside a service")
    session = db.session()
    before, session.expire_on_commit = session.expire_on_commit, False
    try:
        yield
    finally:
        session.expire_on_commit = before
        session.expire_all()


@contextmanager
def own_transaction() -> Iterator[None]:
    """One item of bulk work: committed when the block ends, rolled back if it raises."""
    if in_service():
        raise RuntimeError("bulk work commits item by item: it cannot run inside a service")
    session = db.session()
    try:
        yield
    except BaseException:
        _roll_back(session)
        raise
    _commit(session)


@contextmanager
def apart(engine: Engine | None = None) -> Iterator[Connection]:
    """A side transaction on a connection of its own (of `engine`, else the site's database),
    committed when the block ends."""
    with (engine or db.engine).begin() as connection:
        yield connection


def restart() -> None:
    """Give up the work of this unit so far and go on in a fresh transaction (a race lost to
    another request: show what it recorded). Only the outermost unit may: a service called by
    another would throw away its caller's work."""
    session = db.session()
    if session.info.get(DEPTH, 0) > 1:
        raise RuntimeError("only the outermost service may start its transaction again")
    _roll_back(session)


def abandon() -> None:
    """Throw away a transaction that failed (a health probe that got no answer, the error
    page of a request that broke), so the session can be used again."""
    _roll_back(db.session())


def after_commit(callback: Callable[[], object]) -> None:
    """Call `callback` once the current unit of work has committed (at once outside one);
    forgotten if it rolls back."""
    if not in_service():
        callback()
        return
    db.session().info.setdefault(LATER, []).append(callback)


def _commit(session) -> None:
    """Commit if the unit wrote anything (a unit that only read, a lesson page read before,
    leaves its objects loaded: a commit would expire them all), then run what waited."""
    if session.info.pop(WROTE, False) or session.new or session.dirty or session.deleted:
        session.commit()
    for callback in session.info.pop(LATER, []):
        callback()


def _wrote(session, *_args) -> None:
    """Note that the session's transaction holds writes (a flush, or INSERT/UPDATE/DELETE)."""
    session.info[WROTE] = True


def _wrote_by_statement(state) -> None:
    """An INSERT, UPDATE or DELETE run through the session writes."""
    if state.is_insert or state.is_update or state.is_delete:
        _wrote(state.session)


def init_app(_app) -> None:
    """Let units of work see whether they wrote (SQLAlchemy's session events, set once)."""
    for name, listener in (("after_flush", _wrote), ("do_orm_execute", _wrote_by_statement)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _roll_back(session) -> None:
    """Roll back, forgetting what waited for a commit."""
    session.info.pop(LATER, None)
    session.info.pop(WROTE, None)
    session.rollback()
