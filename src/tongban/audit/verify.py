"""Checking the audit chain (``tongban audit verify``) and anchoring its head in the log.

A changed entry no longer matches its hash; a deleted one leaves a gap in ``seq`` and a
``prev_hash`` that points at nothing; reordered entries (swapped positions or contents)
break both; an entry inserted by hand has no seal. Cutting off the newest entries leaves
a shorter chain that is consistent in itself: the anchors show it. Each round the worker
writes the head's ``seq`` and ``hash`` to the log (``audit.anchor``) and to ``audit_head``
(a row that only moves forward); ``verify`` always checks the stored head, and the log's
anchors when given (they outlive someone who also rewinds ``audit_head``). Entries cut
off after the last anchor (one worker round, 30 seconds by default) are not found.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.audit.chain import CONTENT_FIELDS, GENESIS, entry_hash, head
from tongban.audit.models import AuditEntry, AuditHead

log = structlog.get_logger("tongban.audit")

BATCH = 2000


@dataclass(frozen=True)
class Anchor:
    """A head once anchored: the chain must still hold ``hash`` at ``seq``; ``where`` names
    the anchor in a broken chain's reason (English)."""

    seq: int
    hash: str
    where: str = "the log"


@dataclass(frozen=True)
class Break:
    """The first place the chain does not hold, with what is wrong there (English)."""

    seq: int | None
    entry_id: int | None
    reason: str


@dataclass
class Report:
    """What ``verify_chain`` found: entries checked, the head, the first break if any."""

    checked: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    broken: Break | None = None
    anchors_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.broken is None


def count_entries(session: Session) -> int:
    """How many audit entries there are (sealed or not): the progress bar's total."""
    return session.scalar(select(func.count()).select_from(AuditEntry)) or 0


def _rows(session: Session) -> Iterator[AuditEntry]:
    """Sealed entries in chain order, read in batches by ``seq``."""
    after = 0
    while True:
        query = select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq)
        batch = session.scalars(query.limit(BATCH).execution_options(populate_existing=True)).all()
        if not batch:
            return
        yield from batch
        after = batch[-1].seq or after


def _check(entry: AuditEntry, *, expected_seq: int, previous: str) -> str | None:
    if entry.seq != expected_seq:
        return f"entry {expected_seq} is missing (next is {entry.seq}): deleted or reordered"
    if entry.prev_hash != previous:
        return "its previous hash is not the hash of the entry before: one was removed or moved"
    fields = {name: getattr(entry, name) for name in CONTENT_FIELDS}
    if entry.hash != entry_hash(fields, seq=expected_seq, prev_hash=previous):
        return "its content does not match its hash: it was altered"
    return None


def verify_chain(
    session: Session,
    *,
    anchors: Iterable[Anchor] = (),
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Check every sealed entry in order, then that no entry is unsealed and that the head
    stored in ``audit_head`` and every anchor given are still in the chain; stops at the
    first break (``Report.broken``). ``Report.anchors_checked`` counts the stored head."""
    report = Report()
    previous, expected = GENESIS, 1
    for entry in _rows(session):
        reason = _check(entry, expected_seq=expected, previous=previous)
        if reason:
            report.broken = Break(entry.seq, entry.id, reason)
            return report
        previous, expected = entry.hash or "", expected + 1
        report.checked += 1
        report.head_seq, report.head_hash = entry.seq or 0, previous
        if progress:
            progress(1)
    unsealed = session.scalar(select(func.min(AuditEntry.id)).where(AuditEntry.seq.is_(None)))
    if unsealed is not None:
        report.broken = Break(None, unsealed, "it is outside the chain: inserted by hand")
        return report
    stored = session.get(AuditHead, 1, populate_existing=True)
    kept = [Anchor(stored.seq, stored.hash, "the database's anchor (audit_head)")] if stored else []
    for anchor in [*kept, *anchors]:
        report.anchors_checked += 1
        if anchor.seq > report.head_seq:
            reason = f"{anchor.where} holds entry {anchor.seq}: the chain was cut short"
            report.broken = Break(anchor.seq, None, reason)
            return report
        found = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == anchor.seq))
        if found != anchor.hash:
            report.broken = Break(anchor.seq, None, f"its hash differs from {anchor.where}")
            return report
    return report


def run_due_anchor(session: Session) -> list[str]:
    """Anchor the chain's head if it moved past the stored one (the worker's sweep): store
    it in ``audit_head`` and write it to the log (``audit.anchor``); returns
    ``["seq:hash"]`` when it anchored one. Runs in the worker's writing unit of work."""
    seq, current = head(session)
    stored = session.get(AuditHead, 1)
    if seq == 0 or (stored is not None and stored.seq >= seq):
        return []
    if stored is None:
        session.add(AuditHead(id=1, seq=seq, hash=current))
    else:
        stored.seq, stored.hash = seq, current
    log.info("audit.anchor", seq=seq, hash=current)
    return [f"{seq}:{current}"]


def parse_anchor(text: str) -> Anchor:
    """``SEQ:HASH`` as written by ``Anchoring`` (raises ValueError otherwise)."""
    seq, _, value = text.strip().partition(":")
    if not seq.isdigit() or len(value) != 64:
        raise ValueError(f"not an anchor (SEQ:HASH): {text!r}")
    return Anchor(int(seq), value.lower())


PLAIN_HASH = re.compile(r"\bhash=([0-9a-f]{64})\b")
PLAIN_SEQ = re.compile(r"\bseq=(\d+)\b")
"""An anchor as the default (console) log writes it: ``… audit.anchor  hash=… seq=…``."""


def anchors_in_log(lines: Iterable[str]) -> list[Anchor]:
    """The anchors in a log, written as JSON lines (``TONGBAN_LOG_JSON=true``) or as the
    default console lines; other lines ignored."""
    found = []
    for line in lines:
        if "audit.anchor" not in line:
            continue
        value, seq = PLAIN_HASH.search(line), PLAIN_SEQ.search(line)
        if value and seq:
            found.append(Anchor(int(seq[1]), value[1]))
            continue
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict) and record.get("event") == "audit.anchor":
            found.append(Anchor(int(record["seq"]), str(record["hash"])))
    return found
