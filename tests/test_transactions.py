"""One unit of work (issue 26): only lms/core/transactions.py commits, rolls back or opens a
side transaction; a service commits once, and a service called by another joins its caller;
bulk work commits item by item, never inside a service. Read from the code itself, in the
style of tests/test_layers.py, and tried on a real session."""

import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from lms.auth.models import Region
from lms.core import transactions
from lms.core.transactions import abandon, after_commit, apart, one_by_one, own_transaction, restart, service
from lms.extensions import db

LMS = Path(__file__).resolve().parent.parent / "lms"
HOME = LMS / "core" / "transactions.py"
# Calls that end or open a transaction: only the unit-of-work helpers make them.
TRANSACTION_CALLS = {"commit", "rollback", "begin"}


def transaction_calls(source: str) -> list[tuple[int, str]]:
    """(line, call) of every `.commit()`, `.rollback()` and `.begin()` in Python source."""
    return [
        (node.lineno, f"{ast.unparse(node.func)}()")
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in TRANSACTION_CALLS
    ]


def test_only_the_unit_of_work_helpers_commit_roll_back_or_begin():
    found = [
        f"{path.relative_to(LMS.parent)}:{line}: {call}"
        for path in sorted(LMS.rglob("*.py"))
        if path != HOME
        for line, call in transaction_calls(path.read_text())
    ]
    assert found == [], "use @service, one_by_one()/own_transaction(), apart() or abandon():\n" + "\n".join(
        found
    )


def test_the_guard_finds_each_way_of_committing():
    source = "db.session.commit()\nsession.rollback()\nwith engine.begin() as c:\n    pass\nx.commit_id()\n"
    assert [call for _line, call in transaction_calls(source)] == [
        "db.session.commit()",
        "session.rollback()",
        "engine.begin()",
    ]


def regions() -> int:
    return db.session.execute(select(func.count(Region.id))).scalar()


def add(code: str) -> None:
    db.session.add(Region(code=code, name=code, kind="state", path="/"))
    db.session.flush()


@service
def add_one(code: str) -> None:
    add(code)


@service
def add_two_then_fail() -> None:
    add_one("A")  # joins this unit: not committed on its own
    add("B")
    raise RuntimeError("half-way")


def test_a_service_commits_once_and_a_service_inside_it_joins_it(app):
    with pytest.raises(RuntimeError):
        add_two_then_fail()
    assert regions() == 0  # nothing of the failed unit, the inner service's work included
    add_one("C")
    db.session.remove()  # a fresh session sees only what was committed
    assert regions() == 1


def test_bulk_work_commits_each_item_and_never_inside_a_service(app):
    failed = 0
    with one_by_one():
        for code in ("A", "B", "A"):
            try:
                with own_transaction():
                    add(code)
            except IntegrityError:  # the second A breaks the unique code: only it is rolled back
                failed += 1
    db.session.remove()
    assert (regions(), failed) == (2, 1)

    @service
    def bulk_inside():
        with own_transaction():
            add("D")

    with pytest.raises(RuntimeError, match="cannot run inside a service"):
        bulk_inside()


def test_what_waits_for_the_commit_runs_after_it_and_not_after_a_rollback(app):
    seen = []

    @service
    def then(fail: bool) -> None:
        add("E" if not fail else "F")
        after_commit(lambda: seen.append(regions()))
        if fail:
            raise ValueError

    then(False)
    with pytest.raises(ValueError):
        then(True)
    assert seen == [1]


def test_only_the_outermost_service_may_restart(app):
    @service
    def inner():
        restart()

    @service
    def outer():
        add("G")
        inner()

    with pytest.raises(RuntimeError, match="outermost"):
        outer()

    @service
    def retried():
        add("H")
        restart()  # lost a race: the work so far is gone, the unit goes on
        add("I")

    retried()
    db.session.remove()
    assert [r.code for r in db.session.execute(select(Region)).scalars()] == ["I"]


def test_a_side_transaction_commits_whatever_the_unit_does(app):
    @service
    def fails_after_a_side_write():
        with apart() as connection:
            connection.execute(Region.__table__.insert().values(code="J", name="J", kind="state", path="/"))
        raise ValueError

    with pytest.raises(ValueError):
        fails_after_a_side_write()
    abandon()
    assert regions() == 1


def test_every_service_is_marked_as_one():
    assert add_one.is_service and transactions.service(lambda: None).is_service
