"""Parallel review rounds (并联审批): opening stage tasks, a department's review, and joining
the round with ``review.decide``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit.service import SYSTEM
from tongban.cases.core import clocks, definition
from tongban.cases.core.machine import Event
from tongban.cases.core.transition import cancel_open_tasks, change_state, finish_task, locked_task
from tongban.cases.enums import ClockKind, RoundOutcome, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case, Task
from tongban.cases.stages.review import decide
from tongban.errors import Conflict, InvalidInput


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


def review_task(
    session: Session,
    *,
    task_id: int,
    user: User,
    outcome: TaskOutcome,
    opinion: str,
    now: datetime,
    expected_version: int | None = None,
) -> Task:
    """A department approves or refuses its part; the round joins when it is decided."""
    task = locked_task(session, task_id=task_id, user=user, expected_version=expected_version)
    if task.stage != Stage.review:
        raise Conflict("这不是审查任务。", "This is not a review task.")
    if outcome == TaskOutcome.refused and not opinion.strip():
        raise InvalidInput(
            "不同意时必须填写审查意见。", "A refusal needs an opinion.", field="opinion"
        )
    actor = actor_of(user)
    finish_task(session, task=task, outcome=outcome, actor=actor, opinion=opinion, now=now)
    join_review_round(session, task.case, now)
    return task
