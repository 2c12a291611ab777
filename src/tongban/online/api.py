"""JSON API for applicants' cases: drafts, submission, materials, the timeline, corrections
and results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from tongban.accounts.deps import CurrentApplicant, CurrentUser
from tongban.cases import service
from tongban.cases.enums import Channel
from tongban.cases.http.bodies import RowId, read_case, time_left_read
from tongban.cases.models import Case
from tongban.cases.schemas import (
    CaseCreate,
    CaseRead,
    CaseUpdate,
    CorrectionRead,
    EventRead,
    MaterialRead,
    ResultRead,
    StageRead,
    TaskRead,
    TimelineRead,
)
from tongban.cases.stages import documents
from tongban.catalog import service as catalog
from tongban.errors import NotFound, NotReady
from tongban.web import limits
from tongban.web.deps import NowDep, RuntimeDep, SessionDep, StoreDep
from tongban.web.downloads import file_response

router = APIRouter(tags=["cases"])


@router.post("/cases", status_code=201)
def create_case(
    body: CaseCreate, session: SessionDep, user: CurrentApplicant, now: NowDep
) -> CaseRead:
    """Start a draft case for an item or a bundle (channel ``api``), or with
    ``authorisation_id`` for the person who authorised the user (channel ``agent``; 403
    ``not_authorised``, ``authorisation_ended`` or ``outside_authorisation``)."""
    if body.authorisation_id is not None:
        case = service.create_case_as_agent(
            session,
            agent=user,
            authorisation_id=body.authorisation_id,
            code=body.code,
            form_data=body.form_data,
            now=now,
            situations=body.situations,
        )
    else:
        case = service.create_case(
            session,
            applicant=user,
            code=body.code,
            form_data=body.form_data,
            now=now,
            channel=Channel.api,
            situations=body.situations,
        )
    return read_case(session, case, now)


@router.get("/cases")
def list_cases(session: SessionDep, user: CurrentUser, now: NowDep) -> list[CaseRead]:
    """The signed-in applicant's cases, newest first."""
    return [read_case(session, case, now) for case in service.list_my_cases(session, user=user)]


@router.get("/cases/{number}")
def get_case(number: str, session: SessionDep, user: CurrentUser, now: NowDep) -> CaseRead:
    """One case, if the user may see it."""
    return read_case(session, service.get_case(session, number=number, user=user), now, user)


@router.patch("/cases/{number}")
def update_case(
    number: str, body: CaseUpdate, session: SessionDep, user: CurrentUser, now: NowDep
) -> CaseRead:
    """Save the form of a draft or of a case in correction."""
    case = service.get_case(session, number=number, user=user)
    service.update_form(
        session,
        case=case,
        user=user,
        form_data=body.form_data,
        delivery=body.delivery,
        postal_address=body.postal.model_dump() if body.postal else None,
        now=now,
        check_address=True,
    )
    return read_case(session, case, now)


def _case_action(action: str):  # type: ignore[no-untyped-def]
    def handler(
        number: str, session: SessionDep, user: CurrentUser, now: NowDep, store: StoreDep
    ) -> CaseRead:
        case = service.get_case(session, number=number, user=user)
        act = getattr(service, action)
        extra = {"store": store} if action != "withdraw_case" else {}
        changed = act(session, case_id=case.id, user=user, now=now, **extra)
        return read_case(session, changed, now)

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
    valid_until: Annotated[
        str | None,
        Form(
            description="For an identity document (the material's document_validity): the "
            "date it expires, YYYY-MM-DD, or 长期; a later case reuses the file while it is valid"
        ),
    ] = None,
) -> MaterialRead:
    """Upload a file for one material of the case (replaces an earlier upload)."""
    case = service.get_case(session, number=number, user=user)
    limit = runtime.settings.max_upload_mb * 1024 * 1024
    data = await limits.read_upload(file, max_bytes=limit)
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
        valid_until=valid_until,
    )
    return MaterialRead.model_validate(material)


class MaterialReuse(BaseModel):
    """Which earlier upload of the applicant's (a ``materials`` entry of their profile,
    ``GET /profiles/me``) a material of this case takes instead of a new upload."""

    model_config = ConfigDict(extra="forbid")
    material_code: str = Field(min_length=1, max_length=40)
    material_id: int = Field(gt=0, description="The earlier upload's id (its profile entry)")


@router.post("/cases/{number}/materials/reuse", status_code=201)
def reuse_material(
    number: str,
    body: MaterialReuse,
    session: SessionDep,
    user: CurrentApplicant,
    now: NowDep,
    store: StoreDep,
    runtime: RuntimeDep,
) -> MaterialRead:
    """Take the applicant's valid earlier upload for one material of their draft (replaces
    an earlier file); 422 when it is not one they may reuse (another applicant's, its case
    not accepted or refused, another material)."""
    case = service.get_case(session, number=number, user=user)
    material = service.reuse_material(
        session,
        case=case,
        user=user,
        material_code=body.material_code,
        source_id=body.material_id,
        store=store,
        max_bytes=runtime.settings.max_upload_mb * 1024 * 1024,
        now=now,
    )
    return MaterialRead.model_validate(material)


@router.get("/cases/{number}/materials")
def list_materials(number: str, session: SessionDep, user: CurrentUser) -> list[MaterialRead]:
    """Current materials of a case."""
    case = service.get_case(session, number=number, user=user)
    return [MaterialRead.model_validate(m) for m in service.materials(session, case=case)]


def _case_number(session: SessionDep, case_id: int) -> str:
    return session.get_one(Case, case_id).number


@router.get("/materials/{material_id}/content", response_class=Response)
def material_content(
    material_id: RowId, session: SessionDep, user: CurrentUser, store: StoreDep
) -> Response:
    """The bytes of an uploaded material, shown in the browser (PDFs and images open inline),
    saved as ``<case number>-<uploaded name>``; 409 ``not_ready`` with ``Retry-After`` while
    a generated 申请表 is still being drawn by the worker."""
    material = service.get_material(session, material_id=material_id, user=user)
    if material.file_pending:
        raise NotReady(
            "申请表 PDF 正在生成，请稍后几秒再查看。",
            "The application form's PDF is being prepared. Open it again in a few seconds.",
        )
    if material.storage_key is None or material.content_type is None:
        raise NotFound(
            "该材料由平台核验，没有文件。", "This material was verified by the platform; no file."
        )
    return file_response(
        store.get(material.storage_key),
        name=f"{_case_number(session, material.case_id)}-{material.filename}",
        media_type=material.content_type,
        kind="inline",
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
        time_left=time_left_read(line.time_left),
        legal_time_left=time_left_read(line.legal_time_left),
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
    return [
        ResultRead.model_validate(r).model_copy(
            update={
                "title_en": catalog.result_name_en(session, item_code=r.item_code, name=r.title)
            }
        )
        for r in service.results(session, case=case)
    ]


@router.get("/results/{result_id}/document", response_class=Response)
def result_document(
    result_id: RowId, session: SessionDep, user: CurrentUser, store: StoreDep
) -> Response:
    """The PDF of a result document, named ``<case number>-<title>.pdf``; 409
    ``not_ready`` with ``Retry-After`` while an e-licence's PDF is still being printed."""
    document = service.get_result(session, result_id=result_id, user=user)
    if not document.ready:
        raise NotReady(
            "结果文书已生成记录，PDF 文件正在生成，请稍后几秒再下载。",
            "The result is issued; its PDF is being prepared. Download it again in a few seconds.",
        )
    return file_response(
        store.get(document.storage_key),
        name=documents.file_name(_case_number(session, document.case_id), document),
        media_type="application/pdf",
    )
