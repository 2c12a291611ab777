"""办件查询: the page and the API that show a case's progress without sign-in
(``online.progress``). A wrong answer is written to the audit trail and answered as a
normal response, so the request's transaction keeps it (the lock counts read it back).
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from tongban.accounts.deps import source_of
from tongban.cases import service
from tongban.cases.core.machine import STATE_NAMES_ZH
from tongban.cases.enums import CaseState, ClockKind
from tongban.cases.http.bodies import time_left_read
from tongban.cases.schemas import TimeLeftRead
from tongban.catalog.views import departments
from tongban.errors import DomainError, TooManyAttempts
from tongban.online import progress
from tongban.web.deps import CheckedForm, NowDep, RuntimeDep, SessionDep
from tongban.web.errors import respond
from tongban.web.templating import render

router = APIRouter()
api_router = APIRouter(tags=["progress"])


class ProgressQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: str = Field(max_length=progress.NUMBER_LENGTH, description="办件编号 (receipt)")
    factor: str = Field(
        max_length=20,
        description="Last 6 characters of the applicant's ID number or unified social credit code",
    )


class StageProgress(BaseModel):
    stage: str
    name_zh: str
    departments: list[str] = Field(description="Department codes with a task in the stage")
    started_at: datetime
    finished_at: datetime | None


class ProgressRead(BaseModel):
    """Where a case stands: nothing personal (no names, answers, opinions or materials)."""

    number: str
    item: str = Field(description="Item or bundle name")
    state: CaseState
    state_zh: str
    lead_department: str
    submitted_at: datetime | None
    accepted_at: datetime | None
    decided_at: datetime | None
    closed_at: datetime | None
    stages: list[StageProgress]
    time_left: TimeLeftRead | None = Field(
        None,
        description="The case page's time left: the acceptance stage's own limit before "
        "acceptance, then 承诺期限; None once no clock runs",
    )
    time_left_limit: ClockKind | None = Field(
        None,
        description="Which limit time_left counts down to, as the case page's: stage "
        "(the acceptance stage's own, before acceptance) or promised",
    )


def _find(
    session: Session, request: Request, runtime: RuntimeDep, now: datetime, number: str, factor: str
) -> progress.Progress | DomainError:
    try:
        number, factor = progress.check_input(number, factor)
        source = source_of(request)
        progress.refuse_when_locked(
            session, number=number, source=source, now=now, settings=runtime.settings
        )
    except DomainError as error:
        return error
    return progress.look_up(session, number=number, factor=factor, source=source, now=now)


@api_router.post("/progress", response_model=ProgressRead)
def progress_api(
    body: ProgressQuery, request: Request, session: SessionDep, runtime: RuntimeDep, now: NowDep
) -> ProgressRead | Response:
    """Progress of a case without sign-in (办件查询). 404 for a wrong number or factor
    (the same answer for both), 429 after repeated failures."""
    found = _find(session, request, runtime, now, body.number, body.factor)
    if isinstance(found, DomainError):
        return respond(request, found)  # answered, not raised: the failure's audit is kept
    case, left = found.case, found.timeline.time_left
    return ProgressRead(
        number=case.number,
        item=case.title,
        state=case.state,
        state_zh=STATE_NAMES_ZH[case.state],
        lead_department=case.lead_department,
        submitted_at=case.submitted_at,
        accepted_at=case.accepted_at,
        decided_at=case.decided_at,
        closed_at=case.closed_at,
        stages=[
            StageProgress(
                stage=view.stage,
                name_zh=view.name_zh,
                departments=sorted({task.department_code for task in view.tasks}),
                started_at=view.started_at,
                finished_at=view.finished_at,
            )
            for view in found.timeline.stages
        ],
        time_left=time_left_read(left),
        time_left_limit=found.counted_limit,
    )


@router.get("/progress")
def progress_page(request: Request, number: str = "") -> Response:
    """The lookup form; ``number`` prefilled from a receipt's link."""
    return render(request, "cases/progress.html", {"number": number[: progress.NUMBER_LENGTH]})


@router.post("/progress")
def progress_result(
    request: Request, session: SessionDep, runtime: RuntimeDep, now: NowDep, form: CheckedForm
) -> Response:
    """The progress, or the form again with what to fix."""
    number, factor = (str(form.get(name) or "") for name in ("number", "factor"))
    found = _find(session, request, runtime, now, number, factor)
    if isinstance(found, DomainError):
        context = {"number": number.strip(), "error": found, "departments": {}}
        page = render(request, "cases/progress.html", context, status_code=found.status)
        if isinstance(found, TooManyAttempts):
            page.headers["Retry-After"] = str(found.retry_after)
        return page
    context = {
        "number": found.case.number,
        "found": found,
        "spec": service.spec_of(session, found.case),
        "departments": departments(session),
        "state_names": STATE_NAMES_ZH,
    }
    return render(request, "cases/progress.html", context)
