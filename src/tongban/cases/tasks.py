"""Background jobs of the cases domain. Each is idempotent: it looks at rows, acts on
the ones that are due, and doing it twice changes nothing more than doing it once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.audit import service as audit
from tongban.audit.service import Actor
from tongban.cases import clocks
from tongban.cases.enums import CaseState, ClockKind
from tongban.cases.intake import deem_accepted
from tongban.cases.models import Case, Clock
from tongban.files.store import FileStore


def run_deemed_acceptance(session: Session, *, now: datetime, store: FileStore) -> list[str]:
    """Deem accepted every case whose art. 32 five-day clock ran out; returns numbers."""
    query = (
        select(Clock.case_id)
        .join(Case, Case.id == Clock.case_id)
        .where(
            Clock.kind == ClockKind.acceptance,
            Clock.stopped_at.is_(None),
            Clock.due_at <= now,
            Case.state == CaseState.submitted,
        )
    )
    numbers = []
    for case_id in session.scalars(query).all():
        numbers.append(deem_accepted(session, case_id=case_id, now=now, store=store).number)
    return numbers


def recompute_open_deadlines(session: Session, *, actor: Actor, now: datetime) -> int:
    """After a calendar change: recompute every running clock; audit each case that moved."""
    running = select(Clock.case_id).where(Clock.stopped_at.is_(None))
    changed = 0
    for case in session.scalars(select(Case).where(Case.id.in_(running)).order_by(Case.id)).all():
        moved = clocks.recompute(session, case=case)
        if not moved:
            continue
        changed += 1
        audit.record(
            session,
            at=now,
            action="calendar.deadline_recomputed",
            actor=actor,
            object_type="case",
            object_id=case.number,
            case_id=case.id,
            subject_id=case.applicant_id,
            data={
                "clocks": [
                    {
                        "kind": clock.kind,
                        "old": old.isoformat(),
                        "new": clock.due_at.isoformat(),
                        "provisional": clock.provisional,
                    }
                    for clock, old in moved
                ]
            },
        )
    return changed
