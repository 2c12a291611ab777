"""Opening stage tasks and joining the parallel review round."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.audit.service import SYSTEM
from tongban.cases import clocks, definition
from tongban.cases.enums import ClockKind, RoundOutcome, Stage, TaskState
from tongban.cases.machine import Event
from tongban.cases.models import Case, Task
from tongban.cases.review import decide
from tongban.cases.transition import cancel_open_tasks, change_state


def open_stage_task(session: Session, case: Case, stage: Stage, now: datetime) -> Task:
    """A lead-department task for ``stage`` with its stage clock running."""
    spec = definition.spec_of(session, case)
    task = Task(case=case, stage=stage, department_code=case.lead_department, started_at=now)
    session.add(task)
    session.flush()
    unit, limit = definition.stage_limit(spec, stage)
    clocks.start_clock(
        session, case=case, kind=ClockKind.stage, unit=unit, limit=limit, now=now, task=task
    )
    return task


def join_review_round(session: Session, case: Case, now: datetime) -> RoundOutcome:
    """Decide the round; once decided, cancel what is open and move on to the decision."""
    tasks = [t for t in case.tasks if t.stage == Stage.review and t.state != TaskState.cancelled]
    result = decide([t.outcome for t in tasks], case.join_rule)
    if result == RoundOutcome.pending:
        return result
    cancel_open_tasks(session, case=case, actor=SYSTEM, now=now)
    case.review_outcome = result
    change_state(
        session,
        now=now,
        case=case,
        event=Event.review_complete,
        actor=SYSTEM,
        data={"outcome": result},
    )
    open_stage_task(session, case, Stage.decide, now)
    return result
