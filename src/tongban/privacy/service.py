"""The privacy domain promises: ``tongban keys rotate`` moves every sealed value under a
new data key without downtime, resumably, audited as key use (``rotation``);
``tongban keys rotate-lookup`` re-keys every stored lookup hash under a new lookup key,
lookups matching either key meanwhile, resumably, audited (``lookup_rotation``); and the
personal data of cases closed longer than the retention period is purged by the worker's
sweep or ``tongban retention purge``, keeping statistics and the audit chain valid
(``retention``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

import structlog
from sqlalchemy.orm import Session, sessionmaker

from tongban.audit.service import SYSTEM, Actor
from tongban.config import Settings
from tongban.db import reading_session, unit_of_work
from tongban.files.store import FileStore
from tongban.privacy.lookup_rotation import LookupRotationReport, NoPreviousKey, rotate_lookup_key
from tongban.privacy.lookup_rotation import count_rows as count_lookup_rows
from tongban.privacy.retention import Purged, count_due, due_cases, purge_case, still_named
from tongban.privacy.rotation import RotationReport, count_rows, rotate

log = structlog.get_logger("tongban.privacy")

__all__ = [
    "LookupRotationReport",
    "NoPreviousKey",
    "RotationReport",
    "count_due",
    "count_lookup_rows",
    "count_rows",
    "purge_due",
    "rotate",
    "rotate_lookup_key",
]


def purge_due(
    sessions: sessionmaker[Session],
    *,
    store: FileStore,
    now: datetime,
    years: int,
    batch: int,
    actor: Actor = SYSTEM,
    progress: Callable[[int], None] = lambda n: None,
) -> Purged:
    """Purge every due case, ``batch`` per transaction; each batch's files are deleted
    after its commit, once no remaining row names them. Idempotent: a purged case is
    never due again, and a file already gone is skipped."""
    purged = Purged()
    while True:
        with unit_of_work(sessions) as session:
            cases = due_cases(session, now=now, years=years, limit=batch)
            keys: set[str] = set()
            for case in cases:
                keys |= purge_case(session, case=case, now=now, actor=actor)
                purged.numbers.append(case.number)
        if not cases:
            return purged
        with reading_session(sessions) as session:
            freed = keys - still_named(session, keys)
        for key in freed:
            if store.delete(key):
                purged.files.add(key)
        log.info("retention.purged", cases=len(cases), files=len(freed))
        progress(len(cases))


def run_due_purge(
    sessions: sessionmaker[Session], *, store: FileStore, now: datetime, settings: Settings
) -> list[str]:
    """The worker's sweep: the numbers of the cases purged this round."""
    years, batch = settings.retention_years, settings.retention_batch
    return purge_due(sessions, store=store, now=now, years=years, batch=batch).numbers
