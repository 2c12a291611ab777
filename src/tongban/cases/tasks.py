"""Background jobs of the cases domain. Each is idempotent: it looks at rows, acts on
the ones that are due, and doing it twice changes nothing more than doing it once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.cases.enums import CaseState, ClockKind
from tongban.cases.models import Case, CasePause, Clock
from tongban.cases.stages.intake import deem_accepted
from tongban.files.store import FileStore


def run_deemed_acceptance(session: Session, *, now: datetime, store: FileStore) -> list[str]:
    """Deem accepted every case whose art. 32 five-day clock ran out; returns numbers.
    A case whose clocks stand still (waiting for the applicant's payment) is not due."""
    query = (
        select(Clock.case_id)
        .join(Case, Case.id == Clock.case_id)
        .where(
            Clock.kind == ClockKind.acceptance,
            Clock.stopped_at.is_(None),
            Clock.due_at <= now,
            Case.state == CaseState.submitted,
            ~select(CasePause.id)
            .where(CasePause.case_id == Case.id, CasePause.ended_at.is_(None))
            .exists(),
        )
    )
    numbers = []
    for case_id in session.scalars(query).all():
        numbers.append(deem_accepted(session, case_id=case_id, now=now, store=store).number)
    return numbers
