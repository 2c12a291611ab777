"""Rotating the lookup key (查询密钥轮换, ``TONGBAN_LOOKUP_KEY``): ``tongban keys rotate-lookup``.

A stored keyed hash (``pii.LookupKey`` columns; walk-in usernames) holds no identifier, so
it cannot be re-keyed from itself. It is translated instead, through the identifiers the
database holds sealed:

1. Every process runs with the new key in ``TONGBAN_LOOKUP_KEY`` and the old one in
   ``TONGBAN_LOOKUP_KEY_PREVIOUS``: new rows get the new hash, and lookups match a hash
   under either key (``pii.lookup_keys``), so nothing is missed while rows move.
2. A translation old hash → new hash is built from every identifier held in clear once
   opened: accounts' ID numbers, names and credit codes; licence holders' codes; every
   text of the shared-data records; the subject and values of every screened case
   (``risk.screened_values``). It is stored (``lookup_translations``, hashes only), read
   by the batch that needs it, and kept until a run has walked every column, so that
   services matching hashes across tables meanwhile find both sides
   (``pii.translation.equivalent_hashes``). On SQLite its building holds the write lock.
3. Every ``LookupKey`` column, then the walk-in usernames, is walked by primary key in
   batches of ``batch`` rows, one transaction each (rows locked on PostgreSQL, under the
   write lock on SQLite): a hash with a translation is replaced by it. A hash on the new
   side of the translation is left alone, so a second run changes nothing and a run
   stopped half-way continues where it stopped (resumable, idempotent).
4. A hash on neither side is ``untranslated``: its identifier is held nowhere in clear
   any more (a pull log or an offer about someone whose records were purged), or it was
   written under the new key after the translation was built (a second run recognises
   those). It is left as it is and counted.

Audit entries keep their hashes (the chain seals them; ``licence.lookup_failed`` names a
typed text by a hash under the key of its day). Start and end are audited as key use
(``key.lookup_rotation_started``, ``key.lookup_rotated``). Once a run reports nothing
untranslated that a second run would move, ``TONGBAN_LOOKUP_KEY_PREVIOUS`` is unset.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Column, Table, bindparam, func, select, update
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.orm import Session, sessionmaker

from tongban.accounts.models import User
from tongban.audit.service import Actor, record
from tongban.db import Base
from tongban.errors import DomainError
from tongban.licences.models import Licence
from tongban.pii.keys import lookup_secret, previous_lookup_secret
from tongban.pii.translation import (
    Translation,
    forget_pairs,
    store_pairs,
    stored_pairs,
    translation_of,
)
from tongban.pii.types import HASH_PREFIX, LookupKey, keyed_hash
from tongban.privacy.rotation import keyset_batches
from tongban.risk import service as risk
from tongban.sharing.models import SourceRecord

WALK_IN = "walkin-"
STREAM = 1000


class NoPreviousKey(DomainError):
    status = 409
    code = "no_previous_lookup_key"


@dataclass
class LookupRotationReport:
    """What a run did: hashes re-keyed and hashes left untranslated, per column."""

    identifiers: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    untranslated: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    @property
    def left(self) -> int:
        return sum(self.untranslated.values())


def lookup_columns() -> list[tuple[Table, Column[Any]]]:
    """Every column of every table typed ``LookupKey``."""
    return [
        (table, column)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, LookupKey)
    ]


def known_identifiers(session: Session) -> Iterator[str]:
    """Every identifier the database holds (sealed) that a lookup hash may stand for,
    read ``STREAM`` rows at a time."""
    streamed = {"yield_per": STREAM}
    people = select(User.id_number, User.display_name, User.credit_code)
    for row in session.execute(people, execution_options=streamed):
        yield from (value for value in row if value)
    codes = session.scalars(select(Licence.holder_code), execution_options=streamed)
    yield from (code for code in codes if code)
    for data in session.scalars(select(SourceRecord.data), execution_options=streamed):
        yield from (value for value in (data or {}).values() if isinstance(value, str))
    yield from risk.screened_values(session)


def build_translation(session: Session, *, old: bytes, new: bytes) -> int:
    """Store (anew) the pair old hash → new hash of every known identifier
    (``LookupTranslation``, written in batches: memory does not grow with the database);
    the number of pairs."""
    forget_pairs(session)
    store_pairs(
        session,
        (
            (keyed_hash(value, old), keyed_hash(value, new))
            for value in known_identifiers(session)
            if value.strip() and not value.startswith(HASH_PREFIX)
        ),
    )
    return stored_pairs(session)


def _batches(
    session: Session, table: Table, column: Column[Any], size: int, where: Any
) -> Iterator[Sequence[Any]]:
    key = table.primary_key.columns.values()[0]
    raw = sa_table(table.name, sa_column(key.name), sa_column(column.name))
    value = raw.c[column.name]
    return keyset_batches(session, raw.c[key.name], value, where=where(value), size=size)


def rekey_column(
    sessions: sessionmaker[Session],
    table: Table,
    column: Column[Any],
    *,
    batch: int,
    progress: Callable[[int], None],
    walk_in: bool = False,
) -> tuple[int, int]:
    """Re-key one column's hashes (``walk_in``: the ``walkin-`` usernames); one transaction
    per batch. Returns (rows re-keyed, hashes untranslated)."""
    key = table.primary_key.columns.values()[0]
    raw = sa_table(table.name, sa_column(key.name), sa_column(column.name))
    statement = (
        update(raw)
        .where(raw.c[key.name] == bindparam("_id"))
        .values({column.name: bindparam("_value")})
    )
    where = (lambda c: c.startswith(WALK_IN)) if walk_in else (lambda c: c.is_not(None))
    moved = untranslated = 0
    with sessions() as session:
        for rows in _batches(session, table, column, batch, where):
            translated = translation_of(session, [_as_hash(stored) for _, stored in rows])
            changed = []
            for row_id, stored in rows:
                found = _rekeyed(stored, translated, walk_in=walk_in)
                if found is None:
                    untranslated += 1
                elif found != stored:
                    changed.append({"_id": row_id, "_value": found})
            if changed:
                session.connection().execute(statement, changed)
            moved += len(changed)
            session.commit()
            progress(len(rows))
    return moved, untranslated


def _as_hash(stored: str) -> str:
    """The lookup hash a stored value is (a walk-in username ``walkin-<hex>`` names one)."""
    return HASH_PREFIX + stored.removeprefix(WALK_IN) if stored.startswith(WALK_IN) else stored


def _rekeyed(stored: str, translated: Translation, *, walk_in: bool) -> str | None:
    """The value ``stored`` becomes (a hash, or a walk-in username ``walkin-<hex>``)."""
    found = translated.of(_as_hash(stored))
    if not walk_in or found is None:
        return found
    return WALK_IN + found.removeprefix(HASH_PREFIX)


def count_rows(session: Session) -> int:
    """How many stored hashes a run walks (for the progress bar's total)."""
    total = sum(
        int(session.scalar(select(func.count()).where(column.is_not(None))) or 0)
        for _table, column in lookup_columns()
    )
    walk_ins = select(func.count()).where(User.username.startswith(WALK_IN))
    return total + int(session.scalar(walk_ins) or 0)


def rotate_lookup_key(
    sessions: sessionmaker[Session],
    *,
    now: datetime,
    actor: Actor,
    batch: int = 500,
    progress: Callable[[int], None] = lambda n: None,
) -> LookupRotationReport:
    """Run (or continue) a re-keying of the lookup hashes; see the module docstring.

    Raises ``NoPreviousKey`` when ``TONGBAN_LOOKUP_KEY_PREVIOUS`` is not set (there is
    nothing to translate from)."""
    old = previous_lookup_secret()
    if old is None:
        raise NoPreviousKey(
            "请先把原查询密钥填入 TONGBAN_LOOKUP_KEY_PREVIOUS、新密钥填入 TONGBAN_LOOKUP_KEY，"
            "再运行本命令。",
            "Set TONGBAN_LOOKUP_KEY_PREVIOUS to the old lookup key and TONGBAN_LOOKUP_KEY to "
            "the new one, then run this command.",
        )
    report = LookupRotationReport()
    with sessions() as session:
        report.identifiers = build_translation(session, old=old, new=lookup_secret())
        _audit(
            session, "key.lookup_rotation_started", now, actor, {"identifiers": report.identifiers}
        )
        session.commit()
    columns: Iterable[tuple[Table, Column[Any], bool]] = [
        *((table, column, False) for table, column in lookup_columns()),
        (User.__table__, User.__table__.c.username, True),  # type: ignore[list-item]
    ]
    for table, column, walk_in in columns:
        label = f"{table.name}.{column.name}"
        report.rows[label], report.untranslated[label] = rekey_column(
            sessions,
            table,
            column,
            batch=batch,
            progress=progress,
            walk_in=walk_in,
        )
    with sessions() as session:
        forget_pairs(session)  # every column walked: no hash is left under the old key
        data = {"rows": report.total, "untranslated": report.left}
        _audit(session, "key.lookup_rotated", now, actor, data)
        session.commit()
    return report


def _audit(
    session: Session, action: str, now: datetime, actor: Actor, data: dict[str, int]
) -> None:
    record(
        session,
        at=now,
        action=action,
        actor=actor,
        object_type="lookup_key",
        object_id="TONGBAN_LOOKUP_KEY",
        data=data,
    )
