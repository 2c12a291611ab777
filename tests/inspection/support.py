"""An inspection that passes at the first visit, for tests that walk a case whose item
requires one through its review."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases.core import clocks
from tongban.cases.models import Case
from tongban.inspection import service as inspection
from tongban.inspection.enums import InspectionResult


def pass_required_inspection(db: Session, task: Any, reviewer: User, now: datetime) -> None:
    """Where the task's item requires an inspection: order it, agree the visit with the
    applicant, record every check passed, the other inspector co-signs."""
    declaration = inspection.declared(db, task)
    if declaration is None or declaration["when"] != "required":
        return
    found = inspection.order_inspection(db, task_id=task.id, user=reviewer, reason="", now=now)
    inspector = db.get_one(User, found.first_inspector_id)
    applicant = db.get_one(User, db.get_one(Case, found.case_id).applicant_id)
    visit = visited_before(db, now)  # proposed half an hour earlier, so it has come
    inspection.propose_visit(
        db,
        inspection_id=found.id,
        user=inspector,
        visit_at=visit,
        note="",
        now=visit - timedelta(minutes=30),
    )
    inspection.answer_visit(
        db, inspection_id=found.id, user=applicant, accept=True, reply="", now=now
    )
    inspection.conclude(
        db,
        inspection_id=found.id,
        user=inspector,
        verdicts={check["code"]: inspection.Verdict(True) for check in found.checklist},
        result=InspectionResult.passed,
        rectification="",
        now=now,
    )
    other = db.get_one(User, found.second_inspector_id)
    inspection.cosign(db, inspection_id=found.id, user=other, now=now)


def visited_before(db: Session, now: datetime) -> datetime:
    """The latest time, on the half hour before ``now``, in office hours of a working day:
    when a visit that has come was made (a visit is refused outside them)."""
    cal = clocks.calendar(db)
    visit = now - timedelta(minutes=30)
    while not cal.in_office_hours(visit):
        visit -= timedelta(minutes=30)
    return visit
