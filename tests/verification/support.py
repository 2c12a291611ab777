"""Answers to the 协查 a review asked, for tests that walk a case through its review: an
approval waits for them (``tongban.verification.hooks``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.cases.models import Task
from tongban.verification import service as verification


def answer_verifications(db: Session, task_id: int, now: datetime) -> None:
    """Staff of each department the task's department asked confirm the fact."""
    task = db.get_one(Task, task_id)
    for request in verification.for_case(db, case=task.case):
        if request.answered_at is not None or request.from_department != task.department_code:
            continue
        staff = accounts.list_staff(db)
        answerer = next(user for user in staff if verification.may_answer(user, request))
        verification.answer(
            db, request_id=request.id, user=answerer, text="经核查，信息属实。", now=now
        )
