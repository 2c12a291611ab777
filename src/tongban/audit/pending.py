"""Audit entries and their outbox messages kept out of the ORM until the commit.

A unit of work's entries (and the messages they imply) are plain rows that no flush
writes: at the commit the chain's seal numbers them and writes each table with one Core
``executemany`` INSERT, the seal included (no INSERT then UPDATE per entry). Ids come
from the database before the INSERT (``db.next_ids``: one statement for all). The
``AuditEntry`` handed to the caller that recorded an entry (which no session holds) gets
the id and the seal when its row does.

What must see them before the commit does:

- an ORM statement that names ``AuditEntry`` or ``OutboxMessage`` (a read of the case's
  entries, a message count) first writes the pending ones, unsealed, as the autoflush
  would have (the seal then sets their ``seq``, ``prev_hash`` and ``hash``: the one
  UPDATE the database's append-only trigger allows);
- :func:`write_now` writes them for a caller that needs an entry's ``id`` (a webhook's
  event id).

A savepoint rolled back drops the entries recorded inside it, as it drops ORM rows; an
entry recorded before it but written inside it (the write was rolled back) is pending
again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, event, insert
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.session import ORMExecuteState
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.util import find_tables
from sqlalchemy.util import LRUCache

from tongban.audit.models import AuditEntry
from tongban.db import READING, ReadOnlyUnitOfWork, next_ids
from tongban.outbox.models import OutboxMessage

_KEY = "tongban_audit_pending"
_WATCHED = (AuditEntry.__mapper__, OutboxMessage.__mapper__)
_TABLES = frozenset({AuditEntry.__table__, OutboxMessage.__table__})
_WRITING = "tongban.audit.pending.writing"
# statement shape (SQL cache key) -> whether it names the entries' or messages' table
_READS_ENTRIES: LRUCache[tuple[Any, ...], bool] = LRUCache(2000)
ENTRIES = cast(Table, AuditEntry.__table__)  # Core: its INSERT is no ORM statement to watch
MESSAGES = cast(Table, OutboxMessage.__table__)
ENTRY_COLUMNS = tuple(column.key for column in ENTRIES.columns)


@dataclass
class Written:
    """One entry of the unit of work: its row (every column of ``audit_entries``), the
    object its recorder holds (None: it keeps none, ``audit.record_rows``), its messages'
    rows, where it was recorded and where it was written (None while pending)."""

    row: dict[str, Any]
    entry: AuditEntry | None
    messages: list[dict[str, Any]]
    recorded_in: SessionTransaction
    written_in: SessionTransaction | None = None

    def number(self, ident: int | None) -> None:
        """Give the entry its id (None: its INSERT was undone), on its row and object."""
        self.row["id"] = ident
        if self.entry is not None:
            self.entry.id = ident  # type: ignore[assignment]


@dataclass
class Pending:
    entries: list[Written] = field(default_factory=list)
    waiting: bool = False  # some entry is not written yet


def _current(session: Session) -> SessionTransaction:
    transaction = session.get_nested_transaction() or session.get_transaction()
    if transaction is None:  # record() outside a transaction begins one, as add() would
        transaction = session.begin()
    return transaction


def _of(session: Session) -> Pending:
    found = session.info.get(_KEY)
    if found is None:
        found = session.info[_KEY] = Pending()
    return found


def remember(
    session: Session,
    row: dict[str, Any],
    entry: AuditEntry | None,
    messages: list[dict[str, Any]],
) -> None:
    """Keep the entry (its ``row`` of every column, the ``entry`` its recorder holds, if
    any) and its ``messages`` to be written at the commit (or at a read of them). Raises
    ReadOnlyUnitOfWork in a unit of work that only reads (it never commits)."""
    if session.info.get(READING):
        raise ReadOnlyUnitOfWork("a read-only unit of work (a GET request) tried to write")
    pending = _of(session)
    pending.entries.append(Written(row, entry, messages, _current(session)))
    pending.waiting = True


def unsealed(session: Session) -> list[Written]:
    """The entries of this unit of work, written or not, oldest first."""
    pending: Pending | None = session.info.get(_KEY)
    return list(pending.entries) if pending else []


def forget(session: Session) -> None:
    session.info.pop(_KEY, None)


def write(session: Session, rows: list[Written]) -> None:
    """INSERT ``rows`` (the entries numbered, their seal set or not) and their messages:
    one executemany per table."""
    if not rows:
        return
    session.execute(insert(ENTRIES), [row.row for row in rows])
    messages = []
    for row in rows:
        for message in row.messages:
            message["audit_entry_id"] = row.row["id"]
            messages.append(message)
    if messages:
        session.execute(insert(MESSAGES), messages)
    here = _current(session)
    for row in rows:
        row.written_in = here


def write_now(session: Session) -> None:
    """Write the pending entries and messages now, unsealed (the seal follows at the
    commit): for a read of them, or a caller that needs an entry's ``id``."""
    rows = [row for row in unsealed(session) if row.written_in is None]
    if not rows or session.info.get(_WRITING):
        return
    session.info[_WRITING] = True  # its own reads (the next ids) must not write again
    try:
        with session.no_autoflush:
            for row, new_id in zip(rows, next_ids(session, ENTRIES, len(rows)), strict=True):
                row.number(new_id)
        session.flush()  # what the entries refer to (a new case, user) is written first
        write(session, rows)
        pending = _of(session)
        pending.waiting = any(row.written_in is None for row in pending.entries)
    finally:
        del session.info[_WRITING]


def _within(transaction: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: SessionTransaction) -> None:
    pending: Pending | None = session.info.get(_KEY)
    if pending is None:
        return
    if not previous_transaction.nested:
        forget(session)
        return
    kept = []
    for row in pending.entries:
        if _within(row.recorded_in, previous_transaction):
            continue  # recorded inside the savepoint: gone with it
        if _within(row.written_in, previous_transaction):
            row.written_in = None  # its INSERT was undone: written again, with a new id
            row.number(None)
            for message in row.messages:
                message["audit_entry_id"] = None
        kept.append(row)
    pending.entries = kept
    pending.waiting = any(row.written_in is None for row in kept)


@event.listens_for(Session, "do_orm_execute")
def _write_before_reads(state: ORMExecuteState) -> None:
    """An ORM statement on the entries or messages sees this unit of work's, as an
    autoflush would show ORM rows: one that loads them, or only counts or filters them
    (``select(func.count()).select_from(AuditEntry)``, a per-day limit kept in the trail)."""
    pending: Pending | None = state.session.info.get(_KEY)
    if pending is None or not pending.waiting:
        return  # nothing to write: no statement is looked into
    if state.is_select:  # the walk finds the entities' tables too
        reads = _reads_entries(cast(ClauseElement, state.statement))
    else:
        reads = any(m in _WATCHED for m in state.all_mappers)
    if reads:
        write_now(state.session)


def _reads_entries(statement: ClauseElement) -> bool:
    """The statement names the entries' or messages' table somewhere (a subquery, an
    alias): a walk of the whole statement, done only while entries wait to be written, and
    once per statement shape (its SQL cache key, which names every table it reads and which
    SQLAlchemy keeps on the statement for its own compilation cache)."""
    shape = statement._generate_cache_key()
    if shape is None:  # a statement SQLAlchemy does not cache: walked each time
        return not _TABLES.isdisjoint(find_tables(statement, include_aliases=True))
    known: bool | None = _READS_ENTRIES.get(shape.key)
    if known is None:
        known = not _TABLES.isdisjoint(find_tables(statement, include_aliases=True))
        _READS_ENTRIES[shape.key] = known
    return known
