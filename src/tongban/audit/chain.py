"""The audit trail as a hash chain (防篡改): each entry carries the hash of the one before.

An entry's ``hash`` is SM3 (GB/T 32905-2016) over its canonical content and the previous
entry's hash; the first entry's previous hash is 64 zeros. SM3 always, not "SM3 under 国密,
SHA-256 otherwise": a chain must be checked with the algorithm it was written with, so a
setting that can change would split one trail into two algorithms; SM3 is what GB/T
39786-2021 (商用密码应用) expects of a government system, and `cryptography` computes it
from OpenSSL (about as fast as SHA-256).

Entries are sealed (``seq``, ``prev_hash``, ``hash``) when their transaction commits, not
when they are written: the chain's order is the order of commits. Sealing takes the chain's
lock (PostgreSQL: a transaction-scoped advisory lock; SQLite: the write lock every writing
unit of work already holds from ``BEGIN IMMEDIATE``), reads the head and appends. Taken last
and held only for the commit, the lock cannot deadlock with the row locks a transaction
took before; two transactions committing at once append one after the other, never both
after the same head (``seq`` is unique besides).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives import hashes
from sqlalchemy import bindparam, event, select, text, update
from sqlalchemy.orm import Session

from tongban.audit import pending
from tongban.audit.models import AuditEntry
from tongban.db import next_ids
from tongban.timeutil import as_utc

GENESIS = "0" * 64
"""The previous hash of the first entry."""

ADVISORY_LOCK_KEY = 0x746F6E67_62616E  # "tongban": the chain's lock on PostgreSQL

CONTENT_FIELDS = (
    "id",
    "at",
    "action",
    "actor_id",
    "actor_name",
    "object_type",
    "object_id",
    "case_id",
    "subject_id",
    "department_code",
    "from_state",
    "to_state",
    "opinion",
    "data",
    "source_address",
)
"""What an entry's hash covers, with ``seq`` and ``prev_hash``: everything but the hash."""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat(timespec="microseconds")
    return value


def canonical(fields: Mapping[Any, Any], *, seq: int, prev_hash: str) -> bytes:
    """The bytes an entry's hash is taken over: sorted-key JSON, UTF-8, no spaces; times
    in UTC ISO 8601 with microseconds, ``data`` as the database gives it back."""
    body = {name: _plain(fields[name]) for name in CONTENT_FIELDS}
    body["data"] = json.loads(json.dumps(body["data"] or {}))  # tuples → lists, as stored
    body["seq"] = seq
    body["prev_hash"] = prev_hash
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def digest(payload: bytes) -> str:
    """SM3 of ``payload`` as 64 lower-case hex digits."""
    sm3 = hashes.Hash(hashes.SM3())
    sm3.update(payload)
    return sm3.finalize().hex()


def entry_hash(fields: Mapping[Any, Any], *, seq: int, prev_hash: str) -> str:
    """The hash an entry with ``fields`` at position ``seq`` after ``prev_hash`` carries."""
    return digest(canonical(fields, seq=seq, prev_hash=prev_hash))


def lock_chain(session: Session) -> None:
    """Wait for the chain's lock, held until this transaction ends (PostgreSQL); SQLite's
    writing units of work hold the database's write lock already."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})


def head(session: Session) -> tuple[int, str]:
    """The last sealed entry's ``(seq, hash)``; ``(0, GENESIS)`` for an empty trail."""
    query = select(AuditEntry.seq, AuditEntry.hash).where(AuditEntry.seq.is_not(None))
    row = session.execute(query.order_by(AuditEntry.seq.desc()).limit(1)).first()
    if row is None or row[0] is None:
        return 0, GENESIS
    return row[0], str(row[1])


def seal(session: Session) -> int:
    """Append the entries written in this unit of work to the chain; returns how many.

    Called by the commit of every session (``before_commit``); callable before that too.
    The entries still pending (``audit.pending``) are numbered and inserted sealed, with
    their messages, one INSERT per table; those a read wrote early get their seal with one
    UPDATE. Both are ordered by id, as they were recorded.
    """
    rows = pending.unsealed(session)
    if not rows:
        return 0
    session.flush()  # what the entries refer to (a new case, a user) is written first
    pending.forget(session)
    lock_chain(session)
    seq, previous = head(session)
    waiting = [row for row in rows if row.written_in is None]
    for row, new_id in zip(waiting, next_ids(session, pending.ENTRIES, len(waiting)), strict=True):
        row.number(new_id)
    written = []
    for row in sorted(rows, key=lambda item: item.row["id"]):
        seq += 1
        sealed = entry_hash(row.row, seq=seq, prev_hash=previous)
        row.row.update(seq=seq, prev_hash=previous, hash=sealed)
        if row.entry is not None:
            row.entry.seq, row.entry.prev_hash, row.entry.hash = seq, previous, sealed
        if row.written_in is not None:
            written.append({"key": row.row["id"], "seq": seq, "prev": previous, "hash": sealed})
        previous = sealed
    pending.write(session, waiting)
    if written:
        table = pending.ENTRIES
        sealing = (
            update(table)
            .where(table.c.id == bindparam("key"))
            .values(seq=bindparam("seq"), prev_hash=bindparam("prev"), hash=bindparam("hash"))
        )
        session.execute(sealing, written)
    return len(rows)


@event.listens_for(Session, "before_commit")
def _seal_on_commit(session: Session) -> None:
    """Seal at the transaction's commit, not at a savepoint's release: sealing there would
    take the chain's lock before the row locks the rest of the transaction takes."""
    if not session.in_nested_transaction():
        seal(session)


def chain_rows(rows: Iterable[Mapping[Any, Any]]) -> Iterable[tuple[int, str, str]]:
    """``(seq, prev_hash, hash)`` for rows in order, from the start (the migration that
    sealed the rows written before the chain existed)."""
    previous = GENESIS
    for seq, row in enumerate(rows, start=1):
        current = entry_hash(row, seq=seq, prev_hash=previous)
        yield seq, previous, current
        previous = current
