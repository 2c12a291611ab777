"""Turning case and task rows into API bodies, and the path parameter for row ids."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Path
from sqlalchemy.orm import Session

from tongban.cases import service
from tongban.cases.models import Case, Task
from tongban.cases.schemas import CaseRead, TaskRead, TimeLeftRead

RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Row id")]


def read_case(session: Session, case: Case, now: datetime) -> CaseRead:
    """The case as the API shows it, with its time left."""
    read = CaseRead.model_validate(case)
    left = service.case_time_left(session, case=case, now=now)
    read.time_left = TimeLeftRead.model_validate(left) if left else None
    return read


def read_task(session: Session, task: Task, now: datetime) -> TaskRead:
    """The task as the API shows it, with its time left."""
    read = TaskRead.model_validate(task)
    left = service.task_time_left(session, task=task, now=now)
    read.time_left = TimeLeftRead.model_validate(left) if left else None
    return read
