"""What one transaction reads once: rows that do not change under it, kept for the rest
of the transaction (``memo``), and a process cache of immutable rows (``Immutable``).

A unit of work asks the same question many times: the shared data sources, a
department's webhook subscriptions, the applicant. SQLAlchemy's identity map is weak, so
an object nobody holds is read again at the next ``session.get``. ``memo`` keeps an
answer in ``session.info`` until the transaction ends (commit or rollback) or a flush
writes a row of one of the classes it depends on, which makes the next call read again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction, make_transient_to_detached

T = TypeVar("T")
_MEMO = "tongban.txcache"
_PROMOTE = "tongban.txcache.promote"
_KEPT = "tongban.txcache.kept"


def memo(session: Session, key: str, make: Callable[[], T], *, on: tuple[type, ...]) -> T:
    """``make()`` once per transaction of ``session``; read again after a flush that
    writes an instance of a class in ``on`` (the rows the answer is made of)."""
    held: dict[str, tuple[tuple[type, ...], Any]] = session.info.setdefault(_MEMO, {})
    if key not in held or _writes(session, on):
        held[key] = (on, make())
    return held[key][1]  # type: ignore[no-any-return]


def remember(session: Session, key: str, value: object, *, on: tuple[type, ...]) -> None:
    """Keep ``value`` as :func:`memo`'s answer to ``key`` until a flush writes a row of
    ``on`` again: for a writer that has just flushed the rows the answer is made of, and
    knows it without reading them back."""
    session.info.setdefault(_MEMO, {})[key] = (on, value)


def kept(session: Session, key: str) -> dict[Any, Any]:
    """A dict that lives as long as the transaction of ``session``: forgotten at its commit
    or rollback, not at a flush nor a savepoint's end (what a unit of work made, for its
    later steps to find without reading it back)."""
    found: dict[Any, Any] = session.info.setdefault(_KEPT, {}).setdefault(key, {})
    return found


def forget(session: Session, *classes: type) -> None:
    """Forget the answers made of rows of ``classes``: for a caller that wrote such rows
    with Core statements, which no flush shows."""
    held: dict[str, tuple[tuple[type, ...], Any]] = session.info.get(_MEMO, {})
    for key in [key for key, (on, _value) in held.items() if set(on) & set(classes)]:
        del held[key]


def _writes(session: Session, classes: tuple[type, ...]) -> bool:
    pending = (*session.new, *session.dirty, *session.deleted)
    return any(isinstance(row, classes) for row in pending)


@event.listens_for(Session, "before_flush")
def _forget_written(session: Session, *_: object) -> None:
    held: dict[str, tuple[tuple[type, ...], Any]] = session.info.get(_MEMO, {})
    for key in [key for key, (on, _value) in held.items() if _writes(session, on)]:
        del held[key]


@event.listens_for(Session, "after_commit")
def _forget_on_commit(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint's release: the transaction goes on, and may still roll back
    session.info.pop(_MEMO, None)
    session.info.pop(_KEPT, None)
    for cache, copies in session.info.pop(_PROMOTE, {}).items():
        cache.rows.update(copies)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, previous: SessionTransaction) -> None:
    session.info.pop(_MEMO, None)
    session.info.pop(_PROMOTE, None)
    if not previous.nested:  # rows made before a savepoint rolled back are still there
        session.info.pop(_KEPT, None)


class Immutable:
    """Rows that never change once committed (catalog versions), kept per process by
    (database, primary key) as detached copies and merged into a session without SQL.

    A row read in a transaction joins the cache only when that transaction commits, so a
    row written by a transaction that rolled back (whose key the database may hand out
    again) is never kept. ``clear()`` forgets all (tests that roll back an outer
    transaction after inner commits)."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, Any], Any] = {}

    def clear(self) -> None:
        self.rows.clear()

    @staticmethod
    def _key(session: Session, ident: Any) -> tuple[str, Any]:
        return (session.get_bind().engine.url.render_as_string(), ident)

    def get(self, session: Session, model: type[T], ident: Any) -> T | None:
        """The row of ``model`` by primary key: from the cache merged into ``session``
        (no statement), or read and kept for after the commit."""
        key = self._key(session, ident)
        cached = self.rows.get(key)
        if cached is not None:
            return session.merge(cached, load=False)  # type: ignore[no-any-return]
        row = session.get(model, ident)
        if row is not None and not inspect(row).pending:
            mapper = inspect(model)
            copy = model(**{attr.key: getattr(row, attr.key) for attr in mapper.column_attrs})
            make_transient_to_detached(copy)
            session.info.setdefault(_PROMOTE, {}).setdefault(self, {})[key] = copy
        return row
