"""The old-key ↔ new-key hash pairs a rotation of the lookup key works through
(``LookupTranslation``), read in batches so that nothing holds them all in memory.

While ``tongban keys rotate-lookup`` runs, one identifier's hash may be stored under the
previous key in one table and under the new key in another (a column already walked, a
row written since). Matching stored hashes across tables (an offer's subject to an
account) goes through ``equivalent_hashes``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from tongban.db import insert_skipping_taken
from tongban.pii.keys import previous_lookup_secret
from tongban.pii.models import LookupTranslation

BATCH = 500


@dataclass(frozen=True)
class Translation:
    """The pairs touching some stored hashes: old hash → new hash; ``new`` the new sides."""

    old_to_new: dict[str, str]
    new: frozenset[str]

    def of(self, stored: str) -> str | None:
        """The re-keyed hash of ``stored``; ``stored`` itself when it is re-keyed already;
        None when it is on neither side."""
        if stored in self.new:
            return stored
        return self.old_to_new.get(stored)


def translation_of(session: Session, hashes: Collection[str]) -> Translation:
    """The stored pairs with ``hashes`` on either side (at most ``BATCH`` hashes a query)."""
    old_to_new: dict[str, str] = {}
    listed = sorted(set(hashes))
    for start in range(0, len(listed), BATCH):
        part = listed[start : start + BATCH]
        query = select(LookupTranslation.old, LookupTranslation.new).where(
            or_(LookupTranslation.old.in_(part), LookupTranslation.new.in_(part))
        )
        old_to_new.update((old, new) for old, new in session.execute(query))
    return Translation(old_to_new, frozenset(old_to_new.values()))


def equivalent_hashes(session: Session, hashes: Collection[str]) -> dict[str, set[str]]:
    """Each of ``hashes`` (stored lookup hashes) → the hashes its identifier may be stored
    under anywhere: itself, and during a rotation of the lookup key
    (``TONGBAN_LOOKUP_KEY_PREVIOUS`` set) its other side in the translation. Outside a
    rotation nothing is read."""
    equivalent = {stored: {stored} for stored in hashes}
    if previous_lookup_secret() is None:
        return equivalent
    translated = translation_of(session, hashes)
    for old, new in translated.old_to_new.items():
        for stored in (old, new):
            if stored in equivalent:
                equivalent[stored] |= {old, new}
    return equivalent


def store_pairs(session: Session, pairs: Iterable[tuple[str, str]]) -> None:
    """Add old → new pairs in batches; a pair already stored is skipped."""
    batch: dict[str, str] = {}
    for old, new in pairs:
        batch[old] = new
        if len(batch) == BATCH:
            _insert(session, batch)
            batch = {}
    if batch:
        _insert(session, batch)


def _insert(session: Session, batch: dict[str, str]) -> None:
    rows = [{"old": old, "new": new} for old, new in batch.items()]
    statement = insert_skipping_taken(session, LookupTranslation).values(rows)
    session.execute(statement.on_conflict_do_nothing())


def stored_pairs(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(LookupTranslation)) or 0)


def forget_pairs(session: Session) -> None:
    session.execute(delete(LookupTranslation))
