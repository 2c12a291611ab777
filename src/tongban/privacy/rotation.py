"""Key rotation (密钥轮换) without downtime: ``tongban keys rotate``.

1. Every data key wrapped by an earlier master key (``TONGBAN_DATA_KEYS_PREVIOUS``) is
   re-wrapped under the current one (cheap: a few rows).
2. Unless a rotation is already under way (keys in state ``retiring``), a new data key
   becomes active and the one active before ``retiring``: from here on, every process
   seals new values under the new key (they see it within ``keys.REFRESH_SECONDS``;
   until then what they write is under the old key, which stays readable).
3. Every sealed column is walked by primary key in batches of ``batch`` rows, one
   transaction each; a value under any other key is opened and sealed again under the
   active key. Rows are read with a row lock (PostgreSQL) or under the write lock (SQLite),
   so a concurrent writer waits for the batch and its own value is never overwritten.
4. When no value under a ``retiring`` key is left, those keys become ``retired`` (kept:
   a value written by a process that had not yet seen the new key is still read, and
   the next run moves it).

Stopped at any point, a second run continues (step 2 is skipped while keys are
retiring) and re-encrypts only what is not yet under the active key: resumable and
idempotent. Start and end are audited as key use (``key.rotation_started``,
``key.rotated``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import JSON, Column, Table, Text, bindparam, func, select, type_coerce, update
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.orm import Session, sessionmaker

from tongban.audit.service import Actor, record
from tongban.db import Base
from tongban.pii.keys import KEYRING, create_active_key, kek_of, master_secrets, wrap
from tongban.pii.models import DataKey
from tongban.pii.types import Sealed, SealedJSON, is_sealed


@dataclass(frozen=True)
class SealedColumn:
    table: Table
    column: Column[Any]
    purpose: str
    json: bool

    @property
    def label(self) -> str:
        return f"{self.table.name}.{self.column.name}"


@dataclass
class RotationReport:
    """What a run did: keys re-wrapped, the active key, rows re-encrypted per column."""

    rewrapped: int = 0
    active: str = ""
    started_new_key: bool = False
    rows: dict[str, int] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def sealed_columns() -> list[SealedColumn]:
    """Every column of every table sealed by ``Sealed`` or ``SealedJSON``."""
    found = []
    for table in Base.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Sealed | SealedJSON):
                json = isinstance(column.type, SealedJSON)
                found.append(SealedColumn(table, column, column.type.purpose, json))
    return found


def rewrap_keys(session: Session) -> int:
    """Re-wrap every data key not wrapped by the current master key; how many."""
    kek_id, kek = kek_of(master_secrets()[0])
    count = 0
    for key in session.scalars(select(DataKey).where(DataKey.kek_id != kek_id)):
        entry = KEYRING.keys.get(key.id)
        if entry is None:
            continue  # wrapped by a master key not configured: said in the log at load
        key.wrapped, key.kek_id = wrap(kek, key.id, entry.key), kek_id
        count += 1
    return count


def keyset_batches(
    session: Session, key: Any, value: Any, *, where: Any, size: int
) -> Iterator[Sequence[Any]]:
    """Rows ``(key, value)`` matching ``where``, ``size`` at a time in key order (keyset
    pagination: a batch rewritten never moves the next one), each batch locked on
    PostgreSQL while it is rewritten. Used by the data-key and the lookup-key rotations."""
    last: Any = None
    while True:
        query = select(key, value).where(where)
        if last is not None:
            query = query.where(key > last)
        query = query.order_by(key).limit(size)
        if session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update()
        rows = session.execute(query).all()
        if not rows:
            return
        last = rows[-1][0]
        yield rows


def _batches(session: Session, sealed: SealedColumn, size: int) -> Iterator[Sequence[Any]]:
    raw = type_coerce(sealed.column, JSON if sealed.json else Text)
    key = sealed.table.primary_key.columns.values()[0]
    return keyset_batches(session, key, raw, where=sealed.column.is_not(None), size=size)


def reencrypt_column(
    sessions: sessionmaker[Session],
    sealed: SealedColumn,
    *,
    active: str,
    batch: int,
    progress: Callable[[int], None],
) -> int:
    """Move every value of one column under ``active``; one transaction per batch."""
    moved = 0
    key = sealed.table.primary_key.columns.values()[0]
    kind = sealed.column.type
    assert isinstance(kind, Sealed | SealedJSON)
    raw_type = JSON if sealed.json else Text
    target = sa_table(
        sealed.table.name, sa_column(key.name), sa_column(sealed.column.name, raw_type)
    )
    statement = (
        update(target)
        .where(target.c[key.name] == bindparam("_id"))
        .values({sealed.column.name: bindparam("_value")})
    )
    with sessions() as session:
        dialect = session.get_bind().dialect
        for rows in _batches(session, sealed, batch):
            changed = [
                {
                    "_id": row_id,
                    "_value": kind.process_bind_param(
                        kind.process_result_value(value, dialect), dialect
                    ),
                }
                for row_id, value in rows
                if not (is_sealed(value) and value.split(":", 2)[1] == active)
            ]
            if changed:
                session.connection().execute(statement, changed)
            moved += len(changed)
            session.commit()
            progress(len(rows))
    return moved


def rotate(
    sessions: sessionmaker[Session],
    *,
    now: datetime,
    actor: Actor,
    algorithm: str,
    batch: int = 500,
    progress: Callable[[str, int], None] = lambda label, n: None,
) -> RotationReport:
    """Run (or continue) a rotation; see the module docstring."""
    report = RotationReport()
    with sessions() as session:
        report.rewrapped = rewrap_keys(session)
        retiring = session.scalars(select(DataKey.id).where(DataKey.state == "retiring")).all()
        if not retiring:
            report.active = create_active_key(session.connection(), now=now, algorithm=algorithm)
            report.started_new_key = True
        else:
            report.active = str(session.scalar(select(DataKey.id).where(DataKey.state == "active")))
        record(
            session,
            at=now,
            action="key.rotation_started",
            actor=actor,
            object_type="data_key",
            object_id=report.active,
            data={"rewrapped": report.rewrapped, "resumed": not report.started_new_key},
        )
        session.commit()
    for sealed in sealed_columns():
        report.rows[sealed.label] = reencrypt_column(
            sessions,
            sealed,
            active=report.active,
            batch=batch,
            progress=partial(progress, sealed.label),
        )
    with sessions() as session:
        for key in session.scalars(select(DataKey).where(DataKey.state == "retiring")):
            key.state, key.retired_at = "retired", now
            report.retired.append(key.id)
        record(
            session,
            at=now,
            action="key.rotated",
            actor=actor,
            object_type="data_key",
            object_id=report.active,
            data={"rows": report.total, "retired": report.retired, "rewrapped": report.rewrapped},
        )
        session.commit()
    return report


def count_rows(session: Session) -> dict[str, int]:
    """How many sealed values of all columns there are (for the progress bar's total)."""
    total: dict[str, int] = {}
    for sealed in sealed_columns():
        query = select(func.count()).select_from(sealed.table).where(sealed.column.is_not(None))
        total[sealed.label] = int(session.scalar(query) or 0)
    return total
