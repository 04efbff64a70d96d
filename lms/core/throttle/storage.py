"""A `limits` storage on SQL, so Flask-Limiter counts for every worker and instance at once.

RATELIMIT_STORAGE_URI = "database://" selects it: on PostgreSQL the counters live in the
site's database; on SQLite in instance/throttle.sqlite3, a file of their own, so a counter
written after a request never waits on that request's own write lock."""

import time
from contextlib import suppress
from pathlib import Path
from typing import ClassVar

from flask import current_app
from limits.storage import Storage
from sqlalchemy import Engine, case, create_engine, delete, select, text
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.pool import NullPool
from sqlalchemy.schema import CreateIndex, CreateTable

from lms.core.database import dialect_insert
from lms.core.files import private_folder, private_sqlite_file
from lms.core.throttle.models import ThrottleCount
from lms.core.transactions import apart
from lms.extensions import db

FILE_NAME = "throttle.sqlite3"
_table = ThrottleCount.__table__
_sqlite_engines: dict[Path, Engine] = {}


class DatabaseStorage(Storage):
    """Fixed-window counters in the throttle_count table, one short transaction per change."""

    STORAGE_SCHEME: ClassVar[list[str]] = ["database"]

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to the key's count, starting a new window if the last one ended."""
        now = time.time()
        engine = counter_engine()
        statement = dialect_insert(_table, engine).values(key=key, count=amount, expires_at=now + expiry)
        ended = _table.c.expires_at <= now
        statement = statement.on_conflict_do_update(
            index_elements=[_table.c.key],
            set_={
                "count": case((ended, amount), else_=_table.c.count + amount),
                "expires_at": case((ended, now + expiry), else_=_table.c.expires_at),
            },
        ).returning(_table.c.count)
        with apart(engine) as connection:
            return connection.execute(statement).scalar_one()

    def get(self, key: str) -> int:
        """The key's count in its current window (0 once it ended)."""
        query = select(_table.c.count).where(_table.c.key == key, _table.c.expires_at > time.time())
        with counter_engine().connect() as connection:
            return connection.execute(query).scalar() or 0

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (now if it has)."""
        now = time.time()
        query = select(_table.c.expires_at).where(_table.c.key == key, _table.c.expires_at > now)
        with counter_engine().connect() as connection:
            return connection.execute(query).scalar() or now

    def check(self) -> bool:
        """Whether the counters can be read."""
        try:
            with counter_engine().connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter."""
        with apart(counter_engine()) as connection:
            return connection.execute(delete(_table)).rowcount

    def clear(self, key: str) -> None:
        """Forget one key's counter."""
        with apart(counter_engine()) as connection:
            connection.execute(delete(_table).where(_table.c.key == key))


def counter_engine() -> Engine:
    """Where the current app's counters live."""
    if db.engine.dialect.name != "sqlite":
        return db.engine
    path = Path(current_app.instance_path) / FILE_NAME
    if path not in _sqlite_engines:
        _sqlite_engines[path] = sqlite_counter_engine(
            path, current_app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000
        )
    return _sqlite_engines[path]


def sqlite_counter_engine(path: Path, timeout: float) -> Engine:
    """The SQLite file of counters, its table created on first use by whichever worker comes
    first (each statement tolerates the others doing the same at that moment). No pool:
    opening a SQLite file is cheap, and nothing is left open for a test's throwaway instance."""
    private_folder(path.parent)
    private_sqlite_file(path)
    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool, connect_args={"timeout": timeout})
    with suppress(OperationalError), engine.connect() as connection:
        # Kept by the file: counting never blocks readers. A worker switching it at this very
        # moment holds the lock; the file is in WAL mode once it is done.
        connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    with apart(engine) as connection:
        connection.execute(CreateTable(_table, if_not_exists=True))
        for index in _table.indexes:
            connection.execute(CreateIndex(index, if_not_exists=True))
    return engine


def remove_expired() -> int:
    """Delete counters whose window ended (housekeeping, when they are kept here); how many."""
    if current_app.config["RATELIMIT_STORAGE_URI"] != "database://":
        return 0
    with apart(counter_engine()) as connection:
        return connection.execute(delete(_table).where(_table.c.expires_at <= time.time())).rowcount
