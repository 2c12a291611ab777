"""Engine, sessions and the declarative base shared by every domain.

Only units of work that write take the write lock. SQLite runs in WAL mode: a unit of
work that may write begins ``BEGIN IMMEDIATE``, so concurrent writers queue at the start
instead of failing when a reader tries to upgrade (``SQLITE_BUSY_SNAPSHOT``); a read-only
one (``reading=True``, e.g. a GET request) begins ``BEGIN DEFERRED`` and reads its
snapshot without waiting for, or blocking, anyone. Writers of one SQLite file in this
process take turns in arrival order (``writer_turn``). PostgreSQL uses row locks
(``SELECT … FOR UPDATE``) taken by the services. Lock waits are bounded on both
(``LOCK_WAIT_SECONDS``); past it the error is ``LockTimeout`` or one that
``is_lock_timeout`` recognises, and the web layer answers 503 with ``Retry-After``.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    Connection,
    DateTime,
    Engine,
    MetaData,
    create_engine,
    event,
    func,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from tongban.timeutil import as_utc, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, returns aware UTC, whatever the backend."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else as_utc(value)


LOCK_WAIT_SECONDS = 10.0
"""How long a statement waits for a lock (SQLite's write lock, a PostgreSQL row lock)
before it fails with an error that ``is_lock_timeout`` recognises."""

TURN_WAIT_FACTOR = 3
"""A writer waits for its turn in this process's queue up to this many lock waits (30 s).
The queue is fair, so the wait is the work of the writers ahead of it: with 20 users and
no think time (``bench/load.py``) on the shared 2-core machine it reached 12 s, most of it
sign-ins hashing a password while they hold the turn."""

READING = "tongban_reading"
"""Execution option of a session's connection: this unit of work only reads."""

# SQLITE_BUSY, SQLITE_LOCKED; PostgreSQL lock_not_available, deadlock_detected,
# serialization_failure: each means "try again in a moment", not a fault.
_SQLITE_BUSY_CODES = {5, 6}
_PG_RETRY_STATES = {"55P03", "40P01", "40001"}


def strict_json(value: Any) -> str:
    """JSON columns hold strict JSON: a NaN or an infinity is refused, not written bare."""
    return json.dumps(value, allow_nan=False)


def insert_skipping_taken(session: Session, target: Any) -> postgresql.Insert | sqlite.Insert:
    """An INSERT into ``target`` (a model or table) in the session's dialect, to be ended
    with ``.on_conflict_do_nothing()``: rows whose unique key is taken, by this transaction
    or a racing one, are skipped instead of failing (PostgreSQL and SQLite both)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(target)
    return sqlite.insert(target)


def next_ids(session: Session, table: Any, count: int = 1) -> list[int]:
    """``count`` new ids of ``table`` (a Core table with an integer ``id``), ascending,
    taken before their INSERT so that what is derived from an id (a number, a hash) is
    written with the row: on PostgreSQL from the column's sequence (``nextval``, one
    statement); on SQLite ``max(id) + 1 …``, which no other writer can take meanwhile
    (a writing unit of work holds the database's write lock)."""
    if session.get_bind().dialect.name == "postgresql":
        query = text(
            "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
        )
        return sorted(session.scalars(query, {"table": table.name, "n": count}))
    top = session.scalar(select(func.max(table.c.id))) or 0
    return list(range(top + 1, top + count + 1))


def make_engine(url: str, *, lock_wait_seconds: float = LOCK_WAIT_SECONDS) -> Engine:
    """Create an engine whose lock waits are bounded by ``lock_wait_seconds`` (and the
    wait for a writer's turn by ``TURN_WAIT_FACTOR`` times that).

    SQLite files get WAL, foreign keys and a write lock taken at ``BEGIN`` by every unit
    of work that is not marked reading (see ``reading_session``).
    """
    wait_ms = round(lock_wait_seconds * 1000)
    if not url.startswith("sqlite"):
        return create_engine(
            url,
            pool_pre_ping=True,
            connect_args={"options": f"-c lock_timeout={wait_ms}"},
            json_serializer=strict_json,
        )
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": lock_wait_seconds},
        json_serializer=strict_json,
    )

    _WRITER_QUEUES[engine] = WriterQueue(lock_wait_seconds * TURN_WAIT_FACTOR)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let SQLAlchemy emit BEGIN itself
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={wait_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        reading = conn.get_execution_options().get(READING, False)
        conn.exec_driver_sql("BEGIN DEFERRED" if reading else "BEGIN IMMEDIATE")

    return engine


class LockTimeout(RuntimeError):
    """A writer's turn did not come within the bounded wait (nothing was changed)."""


class WriterQueue:
    """The writers of one SQLite file in this process, served one at a time in arrival order.

    SQLite's busy handler polls with growing sleeps (up to 100 ms), so under load a writer
    arriving just as the lock frees overtakes others that have waited for seconds, and the
    unluckiest wait past any bound. Handed over in order, a writer waits about the time of
    the writers ahead of it. Other processes (CLI, a separate worker) still meet SQLite's
    own lock and its busy timeout. Not re-entrant, and not tied to a thread: a request's
    unit of work may begin and end on different threads of the pool (a nested writer
    would wait for SQLite's lock held by the outer one anyway).
    """

    def __init__(self, wait_seconds: float) -> None:
        self.wait_seconds = wait_seconds
        self._guard = threading.Lock()
        self._waiting: deque[threading.Event] = deque()
        self._taken = False

    @property
    def waiting(self) -> int:
        """How many writers are waiting for their turn."""
        return len(self._waiting)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Hold the turn for the block; raise ``LockTimeout`` after ``wait_seconds``."""
        self._acquire()
        try:
            yield
        finally:
            self._release()

    def _acquire(self) -> None:
        with self._guard:
            if not self._taken:
                self._taken = True
                return
            ready = threading.Event()
            self._waiting.append(ready)
        if ready.wait(self.wait_seconds):
            return  # handed over by the writer before
        with self._guard:
            if ready.is_set():  # handed over just as the wait ran out: still ours
                return
            self._waiting.remove(ready)
        raise LockTimeout(f"no turn to write within {self.wait_seconds} s")

    def _release(self) -> None:
        with self._guard:
            if self._waiting:
                self._waiting.popleft().set()  # stays taken: the turn passes on
            else:
                self._taken = False


_WRITER_QUEUES: WeakKeyDictionary[Engine, WriterQueue] = WeakKeyDictionary()


def writer_queue(bind: Engine | Connection | Any) -> WriterQueue | None:
    """The queue of writers of ``bind`` in this process: SQLite file engines have one."""
    return _WRITER_QUEUES.get(bind) if isinstance(bind, Engine) else None


def writer_turn(bind: Engine | Connection | Any) -> AbstractContextManager[None]:
    """The turn of a unit of work that writes through ``bind`` (a no-op but on SQLite files)."""
    queue = writer_queue(bind)
    return queue.turn() if queue else nullcontext()


UNIT_NOW = "tongban.now"
"""``session.info`` key of the moment a unit of work runs at (``unit_now``)."""


def unit_now(session: Session) -> datetime:
    """The moment ``session``'s unit of work runs at: the one its opener set under
    ``UNIT_NOW`` (a request's clock, ``web.deps.get_db``, which tests move), the real time
    otherwise. For rules that depend on the day but are checked deep in reads, such as
    whether an agent's authorisation still runs (``cases.core.access.acts_for``)."""
    now = session.info.get(UNIT_NOW)
    return now if isinstance(now, datetime) else utcnow()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def reading_session(factory: sessionmaker[Session]) -> Session:
    """A session for a unit of work that only reads: it takes no write lock on SQLite.

    Writing through it is refused (``ReadOnlyUnitOfWork``) rather than left to SQLite,
    where a read transaction that upgrades to a write can fail with ``SQLITE_BUSY``
    whenever another writer committed since its first read.
    """
    session = factory(execution_options={READING: True})
    session.info[READING] = True
    return session


class ReadOnlyUnitOfWork(RuntimeError):
    """A unit of work opened for reading tried to write (a programming error)."""


@event.listens_for(Session, "before_flush")
def _refuse_flush_when_reading(session: Session, _context: Any, _instances: Any) -> None:
    changed = any(session.is_modified(instance) for instance in session.dirty)
    if session.info.get(READING) and (session.new or session.deleted or changed):
        raise ReadOnlyUnitOfWork(
            "a read-only unit of work (a GET request) tried to write; "
            "writes belong in POST, PUT, PATCH or DELETE handlers"
        )


@event.listens_for(Session, "do_orm_execute")
def _refuse_dml_when_reading(state: Any) -> None:
    if state.session.info.get(READING) and (state.is_insert or state.is_update or state.is_delete):
        raise ReadOnlyUnitOfWork("a read-only unit of work (a GET request) tried to write")


def is_lock_timeout(error: OperationalError) -> bool:
    """True when ``error`` means the database was busy and the same request may succeed
    if tried again: SQLite's ``database is locked``, a PostgreSQL lock timeout, deadlock
    or serialization failure."""
    cause = error.orig
    sqlite_code = getattr(cause, "sqlite_errorcode", None)
    if sqlite_code is not None:
        return sqlite_code & 0xFF in _SQLITE_BUSY_CODES  # primary code of an extended one
    return getattr(cause, "sqlstate", None) in _PG_RETRY_STATES


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction that may write: commit on success, roll back on any error."""
    with writer_turn(factory.kw.get("bind")):
        session = factory()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
