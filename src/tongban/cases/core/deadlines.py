"""The limits of a case as staff and applicant are shown them, side by side: the promised
limit (承诺期限) and the legal one (法定期限, 行政许可法 art. 42), with the extended legal
deadline and the original one once an approver extended it; while the case awaits
acceptance, also the art. 32 acceptance deadline (受理期限) its receipt states.

Read-only: the due times come from the ``promised`` and ``legal`` clocks that
``cases.core.clocks`` keeps; before acceptance neither runs and only the amounts are
known (both run from the day of acceptance).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.cases.core import clocks, definition
from tongban.cases.enums import ClockKind
from tongban.cases.models import Case, Clock
from tongban.catalog import service as catalog


@dataclass(frozen=True)
class Limit:
    """One limit of a case; amounts in ``unit`` (working days, calendar days or office
    hours; the legal one in the unit the law states it in)."""

    kind: ClockKind  # acceptance, promised or legal
    amount: int  # as the item states it, without the extension
    unit: str
    extension: int = 0  # art. 42, in the same unit
    due_at: datetime | None = None  # None until the case is accepted
    original_due_at: datetime | None = None  # the legal deadline before its extension
    left: clocks.TimeLeft | None = None  # while the clock runs
    stopped_at: datetime | None = None  # when the decision stopped it
    source: tuple[str, str] | None = None  # the legal limit's own source (zh, en), if stated


def _latest(case: Case, kind: ClockKind) -> Clock | None:
    """The running clock of ``kind``, or the last one stopped (the decision's)."""
    found = [c for c in case.clocks if c.kind == kind]
    running = [c for c in found if c.stopped_at is None]
    chosen = running or found
    return chosen[-1] if chosen else None


def _source(spec: dict[str, Any], kind: ClockKind) -> tuple[str, str] | None:
    """Where the item's legal limit comes from as its ``legal_note`` says (the article, or
    that the cited basis sets none and what stands in); None: the general 行政许可法
    art. 42 is named."""
    note = spec.get("legal_note") if kind == ClockKind.legal else None
    return (note, spec.get("legal_note_en") or note) if note else None


def _limit(
    session: Session, case: Case, kind: ClockKind, now: datetime, clock: Clock | None
) -> Limit:
    spec = definition.spec_of(session, case)["time_limit"]
    if clock is None:
        unit = catalog.legal_unit(spec) if kind == ClockKind.legal else spec["unit"]
        return Limit(kind=kind, amount=spec[kind.value], unit=unit, source=_source(spec, kind))
    cal = clocks.calendar(session)
    original = None
    if clock.extension:
        unextended = Clock(
            unit=clock.unit,
            limit=clock.limit,
            extension=0,
            started_at=clock.started_at,
            stopped_at=clock.stopped_at,
        )
        original = clocks.compute_due(cal, unextended, case.pauses).due_at
    left = None
    if clock.stopped_at is None:
        left = clocks.time_left(cal, clock, now=now, pauses=case.pauses)
    return Limit(
        kind=kind,
        amount=clock.limit,
        unit=clock.unit,
        extension=clock.extension,
        due_at=left.due_at if left else clock.due_at,  # while paused: if it resumed now
        original_due_at=original,
        left=left,
        stopped_at=clock.stopped_at,
        source=_source(spec, kind),
    )


def case_limits(session: Session, *, case: Case, now: datetime) -> list[Limit]:
    """The running acceptance limit if any, then the promised and the legal limit."""
    accepting = clocks.running(case, ClockKind.acceptance)
    kinds = [ClockKind.acceptance] if accepting else []
    kinds += [ClockKind.promised, ClockKind.legal]
    return [_limit(session, case, kind, now, _latest(case, kind)) for kind in kinds]
