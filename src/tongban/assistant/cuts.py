"""The tokens of the published catalog versions, cut once by the worker and kept in
``assistant_entry_cuts``, so that a web process builds its index by reading them instead
of cutting every version itself (jieba and pypinyin over the whole catalog: seconds in
every process, at every start).

A row names the cutting it came from (:func:`fingerprint`): after an upgrade that changes
how texts are cut, the worker's next sweep cuts every version again, and until then a
process cuts in memory the versions whose row is not current. A version the worker has
not cut yet (an FAQ entry added a moment ago) is cut the same way by the process that
needs it; the next sweep stores it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from importlib.metadata import version
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tongban.assistant import retrieval, text
from tongban.assistant.models import EntryCut
from tongban.catalog import service as catalog
from tongban.catalog.enums import EntryStatus
from tongban.catalog.models import CatalogEntry

# The packages whose dictionaries shape the tokens (their distribution names).
_CUTTERS = ("jieba", "pypinyin", "OpenCC")
# The cuts this process made lately, by the versions' content hash (an id may name another
# text after a rolled-back version): a sweep that finds a row missing (rolled back, or
# dropped) stores it again without cutting again.
_made: dict[str, retrieval.Cut] = {}


@cache
def fingerprint() -> str:
    """16 hex digits naming the cutting: the source of the modules that cut (``text``,
    ``retrieval``) and the versions of the segmenter, pinyin and conversion packages."""
    digest = hashlib.sha256()
    for module in (text, retrieval):
        digest.update(Path(str(module.__file__)).read_bytes())
    for package in _CUTTERS:
        digest.update(f"{package}={version(package)}".encode())
    return digest.hexdigest()[:16]


def published(session: Session) -> list[retrieval.Key]:
    """The published entries as ``(code, id of the current version)``."""
    rows = session.execute(
        select(CatalogEntry.code, CatalogEntry.current_version_id).where(
            CatalogEntry.status == EntryStatus.published,
            CatalogEntry.current_version_id.is_not(None),
        )
    )
    return [(code, version_id) for code, version_id in rows if version_id is not None]


def stored(session: Session, keys: Sequence[retrieval.Key]) -> dict[retrieval.Key, retrieval.Cut]:
    """The current cuts stored for ``keys`` (those of this :func:`fingerprint`)."""
    by_id = {key[1]: key for key in keys}
    rows = session.scalars(
        select(EntryCut).where(
            EntryCut.version_id.in_(list(by_id)), EntryCut.cut_with == fingerprint()
        )
    )
    return {by_id[row.version_id]: (list(row.document), set(row.subject)) for row in rows}


def cut_published(session: Session, *, now: datetime) -> int:
    """Cut and store every published version without a current cut, and drop the rows of
    versions no longer published; returns how many were stored. Idempotent: run again, it
    cuts none. Run by the worker's sweep (one sweeper at a time)."""
    keys = published(session)
    rows = session.execute(select(EntryCut.version_id, EntryCut.cut_with)).all()
    gone = {version_id for version_id, _ in rows} - {key[1] for key in keys}
    if gone:
        session.execute(delete(EntryCut).where(EntryCut.version_id.in_(gone)))
    done = {version_id for version_id, cut_with in rows if cut_with == fingerprint()}
    stored_now = 0
    for _, version_id in keys:
        if version_id in done:
            continue
        version = catalog.get_version(session, version_id=version_id)
        made = _made.pop(version.content_hash, None) or retrieval.cut(version.definition)
        _made[version.content_hash] = made  # the most recent last
        row = session.get(EntryCut, version_id) or EntryCut(version_id=version_id)
        row.cut_with, row.document, row.subject = fingerprint(), made[0], sorted(made[1])
        row.cut_at = now
        session.add(row)
        stored_now += 1
    while len(_made) > 2 * len(keys):  # about one revision, and the versions it replaced
        _made.pop(next(iter(_made)))
    return stored_now
