"""What an on-site inspection withholds from the review of its task (registered on
``cases.core.hooks.REVIEW_HOLDS`` when ``tongban.models.load_all()`` imports this)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tongban.cases.core import hooks
from tongban.cases.enums import TaskOutcome
from tongban.cases.models import Task
from tongban.inspection import service
from tongban.inspection.enums import InspectionNeed, InspectionState


def review_hold(session: Session, task: Task, outcome: TaskOutcome) -> tuple[str, str] | None:
    """(zh, en) why the review may not give ``outcome`` yet: no opinion while an inspection
    is open; no approval after a failed one, nor, where the item requires an inspection,
    before one passed. A refusal on other grounds needs no inspection."""
    states = {inspection.state for inspection in service.of_task(session, task_id=task.id)}
    if InspectionState.open in states:
        return (
            "现场踏勘尚未结束，踏勘结束前不能作出审查意见。",
            "The on-site inspection is not over; the review waits for its result.",
        )
    if outcome != TaskOutcome.approved:
        return None
    if InspectionState.failed in states:
        return (
            "现场踏勘不合格，不能同意；请作出不同意的审查意见并说明理由。",
            "The on-site inspection failed: the review cannot approve. Refuse with reasons.",
        )
    declaration = service.declared(session, task)
    needed = declaration is not None and declaration["when"] == InspectionNeed.required
    if needed and InspectionState.passed not in states:
        return (
            "本事项须经现场踏勘合格后才能同意；请先安排现场踏勘。",
            "This item needs a passed on-site inspection before approval; order one first.",
        )
    return None


hooks.REVIEW_HOLDS.append(review_hold)
