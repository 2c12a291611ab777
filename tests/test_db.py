"""Units of work and locks (``tongban.db``): only units of work that write take the write
lock; lock waits are bounded and end in an error the web layer can recognise.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tongban.accounts.models import User
from tongban.db import (
    LockTimeout,
    ReadOnlyUnitOfWork,
    WriterQueue,
    is_lock_timeout,
    make_engine,
    reading_session,
    unit_of_work,
    writer_queue,
)


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Iterator[Engine]:
    """A SQLite file of its own with one row, whose lock waits last a quarter second."""
    engine = make_engine(f"sqlite:///{tmp_path / 'locks.sqlite3'}", lock_wait_seconds=0.25)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE counter (n INTEGER)"))
        conn.execute(text("INSERT INTO counter VALUES (1)"))
    yield engine
    engine.dispose()


def _hold_write_lock(engine: Engine):  # type: ignore[no-untyped-def]
    conn = engine.connect()
    conn.begin()  # BEGIN IMMEDIATE
    conn.execute(text("UPDATE counter SET n = n + 1"))
    return conn


def test_sqlite_readers_do_not_wait_for_a_writer(sqlite_file: Engine) -> None:
    factory = sessionmaker(bind=sqlite_file)
    writer = _hold_write_lock(sqlite_file)
    try:
        started = time.monotonic()
        with reading_session(factory) as session:
            assert session.scalar(text("SELECT n FROM counter")) == 1  # the last commit
        assert time.monotonic() - started < 0.2
    finally:
        writer.rollback()
        writer.close()


def test_sqlite_writers_queue_and_give_up_after_the_bounded_wait(sqlite_file: Engine) -> None:
    factory = sessionmaker(bind=sqlite_file)
    writer = _hold_write_lock(sqlite_file)
    try:
        with factory() as session, pytest.raises(OperationalError) as raised:
            session.scalar(text("SELECT n FROM counter"))  # BEGIN IMMEDIATE waits here
        assert is_lock_timeout(raised.value)
    finally:
        writer.rollback()
        writer.close()
    with factory() as session:  # once the lock is free, the same unit of work goes through
        session.execute(text("UPDATE counter SET n = 5"))
        session.commit()


def test_writers_of_a_sqlite_file_take_turns_in_arrival_order(sqlite_file: Engine) -> None:
    """Each writer's turn comes in the order it asked, not to whoever polls first."""
    factory = sessionmaker(bind=sqlite_file)
    queue = writer_queue(sqlite_file)
    assert queue is not None
    order: list[int] = []

    def write(n: int) -> None:
        with unit_of_work(factory) as session:
            session.execute(text("UPDATE counter SET n = :n"), {"n": n})
            order.append(n)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(5)]
    with queue.turn():
        for n, thread in enumerate(threads):
            thread.start()
            deadline = time.monotonic() + 10
            while queue.waiting <= n:  # each asks after the one before
                assert time.monotonic() < deadline, "the writer did not queue"
                time.sleep(0.005)
    for thread in threads:
        thread.join(timeout=10)
    assert order == [0, 1, 2, 3, 4]


def test_a_writer_gives_up_after_the_bounded_wait_and_the_next_still_gets_its_turn() -> None:
    queue = WriterQueue(wait_seconds=0.1)
    with queue.turn():
        outcome: list[BaseException | None] = []

        def wait_too_long() -> None:
            try:
                with queue.turn():
                    outcome.append(None)
            except LockTimeout as error:
                outcome.append(error)

        thread = threading.Thread(target=wait_too_long)
        thread.start()
        thread.join(timeout=5)
        assert isinstance(outcome[0], LockTimeout)
    with queue.turn():  # the timed-out writer left the line: the next one is not stuck
        pass


def test_a_turn_belongs_to_the_unit_of_work_not_to_the_thread() -> None:
    """FastAPI enters and leaves a request's unit of work on threads of a pool: a thread
    that entered one request's turn and went back to the pool does not let a second
    request in, and the turn can be given back from another thread."""
    queue = WriterQueue(wait_seconds=0.1)
    first = queue.turn()
    with ThreadPoolExecutor(max_workers=1) as pool:  # one thread serves both requests
        pool.submit(first.__enter__).result()
        second = pool.submit(queue.turn().__enter__)
        with pytest.raises(LockTimeout):
            second.result()
    first.__exit__(None, None, None)  # on the test's thread
    with queue.turn():
        pass


def test_a_reading_unit_of_work_refuses_to_write(sessions: sessionmaker[Session]) -> None:
    """A GET that tried to write would take SQLite's write lock half-way, which can fail;
    it is refused at once, on every database."""
    with reading_session(sessions) as session:
        user = session.query(User).filter_by(username="zhangsan").one()
        user.display_name = "改名"
        with pytest.raises(ReadOnlyUnitOfWork):
            session.flush()
        session.rollback()
        with pytest.raises(ReadOnlyUnitOfWork):
            session.execute(User.__table__.update().values(display_name="改名"))


def test_a_reading_unit_of_work_may_load_and_leave_objects_unchanged(
    sessions: sessionmaker[Session],
) -> None:
    with reading_session(sessions) as session:
        user = session.query(User).filter_by(username="zhangsan").one()
        user.display_name = user.display_name  # set, but not changed
        session.flush()
        session.commit()


@pytest.mark.postgres
def test_postgres_lock_waits_are_bounded(engine: Engine) -> None:
    """A row lock held elsewhere ends the wait after ``lock_wait_seconds`` with an error
    recognised as "busy, try again"."""
    impatient = make_engine(
        engine.url.render_as_string(hide_password=False), lock_wait_seconds=0.25
    )
    try:
        with engine.connect() as holder, impatient.connect() as waiter:
            holder.begin()
            holder.execute(text("SELECT id FROM users WHERE username = 'zhangsan' FOR UPDATE"))
            assert waiter.execute(text("SHOW lock_timeout")).scalar() == "250ms"
            with pytest.raises(OperationalError) as raised:
                waiter.execute(text("SELECT id FROM users WHERE username = 'zhangsan' FOR UPDATE"))
            assert is_lock_timeout(raised.value)
            holder.rollback()
    finally:
        impatient.dispose()
