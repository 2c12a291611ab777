"""JSON API for cases, tasks, corrections, materials, results and the timeline."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Path, UploadFile
from fastapi.responses import Response

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import service
from tongban.cases.clocks import TimeLeft
from tongban.cases.enums import Stage
from tongban.cases.models import Case, Task
from tongban.cases.schemas import (
    CaseCreate,
    CaseRead,
    CaseUpdate,
    CorrectionCreate,
    CorrectionRead,
    EventRead,
    MaterialRead,
    Opinion,
    PauseCreate,
    ResultRead,
    ReviewDecision,
    StageRead,
    TaskRead,
    TimeLeftRead,
    TimelineRead,
)
from tongban.web.deps import (
    CurrentApplicant,
    CurrentStaff,
    CurrentUser,
    NowDep,
    RuntimeDep,
    SessionDep,
    StoreDep,
    require_roles,
)

router = APIRouter(tags=["cases"])
RowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="Row id")]


def _time_left(left: TimeLeft | None) -> TimeLeftRead | None:
    return TimeLeftRead.model_validate(left) if left else None


def _read(session: SessionDep, case: Case, now: NowDep) -> CaseRead:
    read = CaseRead.model_validate(case)
    read.time_left = _time_left(service.case_time_left(session, case=case, now=now))
    read.legal_time_left = _time_left(service.legal_time_left(session, case=case, now=now))
    return read


def _task_read(session: SessionDep, task: Task, now: NowDep) -> TaskRead:
    read = TaskRead.model_validate(task)
    read.time_left = _time_left(service.task_time_left(session, task=task, now=now))
    return read


@router.post("/cases", status_code=201)
def create_case(
    body: CaseCreate, session: SessionDep, user: CurrentApplicant, now: NowDep
) -> CaseRead:
    """Start a draft case for an item or a bundle."""
    case = service.create_case(
        session, applicant=user, code=body.code, form_data=body.form_data, now=now
    )
    return _read(session, case, now)


@router.get("/cases")
def list_cases(session: SessionDep, user: CurrentUser, now: NowDep) -> list[CaseRead]:
    """The signed-in applicant's cases, newest first."""
    return [_read(session, case, now) for case in service.list_my_cases(session, user=user)]


@router.get("/cases/{number}")
def get_case(number: str, session: SessionDep, user: CurrentUser, now: NowDep) -> CaseRead:
    """One case, if the user may see it."""
    return _read(session, service.get_case(session, number=number, user=user), now)


@router.patch("/cases/{number}")
def update_case(
    number: str, body: CaseUpdate, session: SessionDep, user: CurrentUser, now: NowDep
) -> CaseRead:
    """Save the form of a draft or of a case in correction."""
    case = service.get_case(session, number=number, user=user)
    service.update_form(
        session, case=case, user=user, form_data=body.form_data, delivery=body.delivery
    )
    return _read(session, case, now)


def _case_action(action: str):  # type: ignore[no-untyped-def]
    def handler(number: str, session: SessionDep, user: CurrentUser, now: NowDep) -> CaseRead:
        case = service.get_case(session, number=number, user=user)
        changed = getattr(service, action)(session, case_id=case.id, user=user, now=now)
        return _read(session, changed, now)

    handler.__doc__ = {
        "submit_case": "Submit a draft.",
        "resubmit_case": "Resubmit after correction.",
        "withdraw_case": "Withdraw a case not yet accepted.",
    }[action]
    handler.__name__ = action
    return handler


router.post("/cases/{number}/submit")(_case_action("submit_case"))
router.post("/cases/{number}/resubmit")(_case_action("resubmit_case"))
router.post("/cases/{number}/withdraw")(_case_action("withdraw_case"))


@router.post("/cases/{number}/materials", status_code=201)
async def upload_material(
    number: str,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    store: StoreDep,
    runtime: RuntimeDep,
    material_code: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
) -> MaterialRead:
    """Upload a file for one material of the case (replaces an earlier upload)."""
    case = service.get_case(session, number=number, user=user)
    limit = runtime.settings.max_upload_mb * 1024 * 1024
    data = await file.read(limit + 1)
    material = service.add_material(
        session,
        case=case,
        user=user,
        material_code=material_code,
        filename=file.filename or "",
        data=data,
        store=store,
        max_bytes=limit,
        now=now,
    )
    return MaterialRead.model_validate(material)


@router.get("/cases/{number}/materials")
def list_materials(number: str, session: SessionDep, user: CurrentUser) -> list[MaterialRead]:
    """Current materials of a case."""
    case = service.get_case(session, number=number, user=user)
    return [MaterialRead.model_validate(m) for m in service.materials(session, case=case)]


@router.get("/materials/{material_id}/content", response_class=Response)
def material_content(
    material_id: RowId, session: SessionDep, user: CurrentUser, store: StoreDep
) -> Response:
    """The bytes of an uploaded material, shown in the browser (PDFs and images open inline)."""
    material = service.get_material(session, material_id=material_id, user=user)
    disposition = f"inline; filename*=UTF-8''{quote(material.filename)}"
    return Response(
        store.get(material.storage_key),
        media_type=material.content_type,
        headers={"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff"},
    )


@router.get("/cases/{number}/timeline")
def get_timeline(number: str, session: SessionDep, user: CurrentUser, now: NowDep) -> TimelineRead:
    """Stages with who, when, opinion and working time taken; every recorded event."""
    case = service.get_case(session, number=number, user=user)
    line = service.timeline(session, case=case, now=now)
    stages = [
        StageRead(
            stage=s.stage,
            name_zh=s.name_zh,
            started_at=s.started_at,
            finished_at=s.finished_at,
            working_time=s.working_time,
            unit=s.unit,
            tasks=[TaskRead.model_validate(t) for t in s.tasks],
        )
        for s in line.stages
    ]
    events = [e for e in line.events if service.may_see_event(user, e.action)]
    return TimelineRead(
        stages=stages,
        events=[EventRead.model_validate(e) for e in events],
        time_left=_time_left(line.time_left),
        legal_time_left=_time_left(line.legal_time_left),
    )


@router.get("/cases/{number}/corrections")
def list_corrections(number: str, session: SessionDep, user: CurrentUser) -> list[CorrectionRead]:
    """The correction notice of a case, if one was sent."""
    case = service.get_case(session, number=number, user=user)
    return [CorrectionRead.model_validate(c) for c in service.corrections(session, case=case)]


@router.get("/cases/{number}/results")
def list_results(number: str, session: SessionDep, user: CurrentUser) -> list[ResultRead]:
    """Result documents (licences, approvals, refusal decisions)."""
    case = service.get_case(session, number=number, user=user)
    return [ResultRead.model_validate(r) for r in service.results(session, case=case)]


@router.get("/results/{result_id}/document", response_class=Response)
def result_document(
    result_id: RowId, session: SessionDep, user: CurrentUser, store: StoreDep
) -> Response:
    """The PDF of a result document."""
    document = service.get_result(session, result_id=result_id, user=user)
    return Response(store.get(document.storage_key), media_type="application/pdf")


@router.get("/tasks")
def list_tasks(
    session: SessionDep, user: CurrentStaff, now: NowDep, stage: Stage | None = None
) -> list[TaskRead]:
    """The queue: open tasks of the user's department and roles, least time left first."""
    return [
        _task_read(session, task, now)
        for task in service.queue(session, user=user, now=now, stage=stage)
    ]


@router.get("/tasks/{task_id}")
def get_task(task_id: RowId, session: SessionDep, user: CurrentStaff, now: NowDep) -> TaskRead:
    """One task of the user's department, with its time left."""
    return _task_read(session, service.get_task(session, task_id=task_id, user=user), now)


def _task_case(session: SessionDep, task_id: RowId, user: User) -> Task:
    return service.get_task(session, task_id=task_id, user=user)


@router.post("/tasks/{task_id}/accept")
def accept(
    task_id: RowId, body: Opinion, session: SessionDep, user: CurrentStaff, now: NowDep
) -> CaseRead:
    """Accept the case (受理)."""
    task = _task_case(session, task_id, user)
    return _read(
        session,
        service.accept_case(
            session, case_id=task.case_id, user=user, opinion=body.opinion, now=now
        ),
        now,
    )


@router.post("/tasks/{task_id}/reject")
def reject(
    task_id: RowId, body: Opinion, session: SessionDep, user: CurrentStaff, now: NowDep
) -> CaseRead:
    """Reject the case (不予受理) with a reason."""
    task = _task_case(session, task_id, user)
    return _read(
        session,
        service.reject_case(
            session, case_id=task.case_id, user=user, opinion=body.opinion, now=now
        ),
        now,
    )


@router.post("/tasks/{task_id}/correction", status_code=201)
def correction(
    task_id: RowId, body: CorrectionCreate, session: SessionDep, user: CurrentStaff, now: NowDep
) -> CorrectionRead:
    """Send the one correction notice listing every problem (一次性告知)."""
    task = _task_case(session, task_id, user)
    problems = [problem.model_dump() for problem in body.problems]
    request = service.request_correction(
        session, case_id=task.case_id, user=user, problems=problems, opinion=body.opinion, now=now
    )
    return CorrectionRead.model_validate(request)


@router.post("/tasks/{task_id}/review")
def review(
    task_id: RowId, body: ReviewDecision, session: SessionDep, user: CurrentStaff, now: NowDep
) -> TaskRead:
    """Approve or refuse this department's part of the parallel review."""
    task = service.review_task(
        session,
        task_id=task_id,
        user=user,
        outcome=body.outcome,
        opinion=body.opinion,
        now=now,
        expected_version=body.version,
    )
    return TaskRead.model_validate(task)


@router.post("/tasks/{task_id}/approve")
def approve(
    task_id: RowId, body: Opinion, session: SessionDep, user: CurrentStaff, now: NowDep
) -> CaseRead:
    """Decide to grant (核准)."""
    case = service.approve_case(
        session,
        task_id=task_id,
        user=user,
        opinion=body.opinion,
        now=now,
        expected_version=body.version,
    )
    return _read(session, case, now)


@router.post("/tasks/{task_id}/refuse")
def refuse(
    task_id: RowId,
    body: Opinion,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    store: StoreDep,
) -> CaseRead:
    """Decide to refuse (不予许可) with reasons."""
    case = service.refuse_case(
        session,
        task_id=task_id,
        user=user,
        opinion=body.opinion,
        now=now,
        store=store,
        expected_version=body.version,
    )
    return _read(session, case, now)


@router.post("/tasks/{task_id}/issue")
def issue(
    task_id: RowId,
    body: Opinion,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    store: StoreDep,
) -> CaseRead:
    """Issue the result (制证); online delivery completes the case."""
    case = service.issue_result(
        session,
        task_id=task_id,
        user=user,
        opinion=body.opinion or None,
        now=now,
        store=store,
        expected_version=body.version,
    )
    return _read(session, case, now)


@router.post("/tasks/{task_id}/deliver")
def deliver(
    task_id: RowId, body: Opinion, session: SessionDep, user: CurrentStaff, now: NowDep
) -> CaseRead:
    """Record delivery by mail or at the window (送达)."""
    case = service.deliver_result(
        session,
        task_id=task_id,
        user=user,
        opinion=body.opinion or None,
        now=now,
        expected_version=body.version,
    )
    return _read(session, case, now)


@router.post("/cases/{number}/pause", status_code=201)
def pause(
    number: str, body: PauseCreate, session: SessionDep, user: CurrentStaff, now: NowDep
) -> CaseRead:
    """Stop the clock for a hearing, inspection, testing or expert review (art. 45)."""
    case = service.get_case(session, number=number, user=user)
    service.pause_clock(
        session, case_id=case.id, user=user, reason=body.reason, note=body.note, now=now
    )
    return _read(session, case, now)


@router.post("/cases/{number}/resume")
def resume(number: str, session: SessionDep, user: CurrentStaff, now: NowDep) -> CaseRead:
    """Restart the clock after an art. 45 pause."""
    case = service.get_case(session, number=number, user=user)
    return _read(session, service.resume_clock(session, case_id=case.id, user=user, now=now), now)


@router.post("/cases/{number}/extension")
def extend(
    number: str,
    body: Opinion,
    session: SessionDep,
    user: Annotated[User, Depends(require_roles(Role.approver))],
    now: NowDep,
) -> CaseRead:
    """Extend the legal limit once by 10 (joint: 15) working days (art. 42)."""
    case = service.get_case(session, number=number, user=user)
    return _read(
        session,
        service.extend_limit(session, case_id=case.id, user=user, opinion=body.opinion, now=now),
        now,
    )
