"""Turning case and task rows into API bodies, and the path parameter for row ids."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Path
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.core.access import needs_identifiers
from tongban.cases.core.clocks import TimeLeft
from tongban.cases.http.titles import title_en
from tongban.cases.models import Case, Task
from tongban.cases.schemas import CaseRead, TaskRead, TimeLeftRead
from tongban.pii.service import mask_document

RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Row id")]


def time_left_read(left: TimeLeft | None) -> TimeLeftRead | None:
    return TimeLeftRead.model_validate(left) if left else None


def read_case(session: Session, case: Case, now: datetime, viewer: User | None = None) -> CaseRead:
    """The case as the API shows it, with its time left on the promise and the legal limit;
    masked for a ``viewer`` who needs no identifier whole (``access.needs_identifiers``)."""
    read = CaseRead.model_validate(case)
    read.title_en = title_en(case)
    if viewer is not None and not needs_identifiers(viewer, case):
        read.form_data = mask_document(read.form_data)
        if read.postal is not None:
            read.postal = read.postal.model_copy(
                update=mask_document(
                    {
                        "recipient": read.postal.recipient[:1] + "**",
                        "phone": read.postal.phone,
                        "address": read.postal.address,
                    }
                )
            )
    read.time_left = time_left_read(service.case_time_left(session, case=case, now=now))
    read.legal_time_left = time_left_read(service.legal_time_left(session, case=case, now=now))
    return read


def read_task(
    session: Session, task: Task, now: datetime, *, unstaffed: bool, viewer: User
) -> TaskRead:
    """The task as the API shows it to ``viewer``, with its time left, whether anyone
    present may take it (``service.unstaffed_tasks``, found by the caller for a whole page
    at once) and whether ``viewer`` may act on it (``service.may_act``)."""
    read = TaskRead.model_validate(task)
    read.time_left = time_left_read(service.task_time_left(session, task=task, now=now))
    read.unstaffed = unstaffed
    read.may_act = service.may_act(session, user=viewer, task=task, now=now)
    return read
