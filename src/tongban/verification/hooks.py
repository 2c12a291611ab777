"""What a verification request (协查) means for the case it is about (registered on
``cases.core.hooks`` when ``tongban.models.load_all()`` imports this): the asking
department may not approve before the answer arrives, and the requests of a case that
ended are no longer watched."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.alerts import service as alerts
from tongban.alerts.enums import Watched
from tongban.cases.core import hooks
from tongban.cases.enums import TaskOutcome
from tongban.cases.models import Case, Task
from tongban.verification.models import VerificationRequest


def _unanswered(session: Session, case_id: int, department: str | None = None) -> list[int]:
    query = select(VerificationRequest.id).where(
        VerificationRequest.case_id == case_id, VerificationRequest.answered_at.is_(None)
    )
    if department is not None:
        query = query.where(VerificationRequest.from_department == department)
    return list(session.scalars(query))


def review_hold(session: Session, task: Task, outcome: TaskOutcome) -> tuple[str, str] | None:
    """(zh, en) why the review may not approve yet: a request its department asked is
    unanswered: the substance of a material is verified before the decision rests on it
    (《行政许可法》art. 34), and a certificate replaced by 协查 is verified by its answer. A
    refusal on other grounds need not wait."""
    if outcome != TaskOutcome.approved:
        return None
    if not _unanswered(session, task.case_id, task.department_code):
        return None
    return (
        "本部门发起的协查尚未回复，回复前不能同意；可督促被请求部门，或说明理由作出不同意的意见。",
        "A verification request your department asked is unanswered: the review cannot "
        "approve before the answer. Remind the department asked, or refuse with reasons.",
    )


def on_ended(session: Session, case: Case, now: datetime) -> None:
    """The case ended: its unanswered requests are no longer due, their alerts resolved."""
    pending = _unanswered(session, case.id)
    if pending:
        alerts.resolve(session, watched=Watched.verification, watched_ids=pending, now=now)


hooks.REVIEW_HOLDS.append(review_hold)
hooks.ENDED.append(on_ended)
