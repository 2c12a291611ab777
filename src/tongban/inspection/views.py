"""Pages of the on-site inspection (现场踏勘): the inspector's list and one inspection on a
phone (propose the visit, photos, findings and result); the panel on both case pages
(the applicant answers the proposed time there); the reviewer's order on the task page.

A refused step shows the page again with the reason; what was typed is kept.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData, UploadFile

from tongban import timefmt
from tongban.accounts.deps import CurrentUser, require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.enums import Stage
from tongban.cases.http.panels import case_panel, task_panel
from tongban.cases.models import Case
from tongban.errors import DomainError, InvalidInput, NotFound
from tongban.inspection import drawing
from tongban.inspection import service as inspection
from tongban.inspection.enums import InspectionResult
from tongban.inspection.models import Inspection
from tongban.online.views import render_case_page
from tongban.web.deps import CheckedForm, NowDep, SessionDep, StoreDep, see_other
from tongban.web.downloads import file_response
from tongban.web.refusals import Refusal, for_panel, keep_for_panel, page_again, shown, status_of
from tongban.web.templating import render
from tongban.workbench.actions import ACTIONS, TASK, Act

router = APIRouter()
Inspector = Annotated[User, Depends(require_roles(Role.inspector))]


def _rows(session: Session, found: list[Inspection]) -> list[dict[str, Any]]:
    return [
        {
            "inspection": row,
            "findings": inspection.findings(session, inspection=row),
            "photos": inspection.photos(session, inspection=row),
        }
        for row in found
    ]


@case_panel
def case_inspections(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """The inspections of the case, their visits, findings and photos; the applicant may
    answer a proposed time."""
    found = inspection.of_case(session, case_id=case.id)
    return {
        "inspections": _rows(session, found),
        "inspector_names": inspection.inspectors(session, found),
        "may_answer_visit": inspection.may_answer(user, case),
        "answer_refusals": {
            row.id: refusal
            for row in found
            if (refusal := for_panel(request, f"inspection-{row.id}")) is not None
        },
    }


@task_panel
def inspection_order(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """On a review task whose item declares an inspection not yet ordered: the order form,
    with how many inspectors the department has present (or why none can be drawn)."""
    task = cases.actionable_task(session, case=case, stage=Stage.review, user=user, now=now)
    declaration = None if task is None else inspection.declared(session, task)
    if task is None or declaration is None or inspection.of_task(session, task_id=task.id):
        return {"inspection_declared": None}
    pool = drawing.present_inspectors(session, department=task.department_code)
    return {
        "inspection_declared": declaration,
        "inspectors_present": len(pool),
        "too_few_inspectors": drawing.too_few(pool),
    }


def _inspect(a: Act) -> object:
    return inspection.order_inspection(
        a.session, task_id=a.task.id, user=a.user, reason=a.text("reason"), now=a.now
    )


ACTIONS["inspect"] = (_inspect, TASK)


@router.get("/inspections")
def my_inspections(request: Request, session: SessionDep, user: Inspector) -> Response:
    """The inspections the inspector was drawn for, open ones first."""
    found = inspection.assigned_to(session, user=user)
    numbers = {row.case_id: session.get_one(Case, row.case_id) for row in found}
    return render(request, "inspection/mine.html", {"rows": found, "cases": numbers})


def _page(
    request: Request,
    session: Session,
    user: User,
    inspection_id: int,
    refusal: Refusal | None = None,
) -> Response:
    row = inspection.get_inspection(session, inspection_id=inspection_id, user=user)
    if user.id not in row.inspector_ids:
        raise NotFound("没有找到该现场踏勘。", "No such inspection.")
    case = session.get_one(Case, row.case_id)
    context = {
        "row": _rows(session, [row])[0],
        "case": case,
        "inspector_names": inspection.inspectors(session, [row]),
        "may_rectify": row.round < inspection.MAX_ROUNDS,
        "office_hours": inspection.office_hours(session),
        "recorded_by_me": any(
            f.recorded_by == user.id for f in inspection.round_findings(session, row)
        ),
        **shown(refusal),
    }
    return render(request, "inspection/inspection.html", context, status_code=status_of(refusal))


@router.get("/inspections/{inspection_id}")
def inspection_page(
    inspection_id: int, request: Request, session: SessionDep, user: Inspector
) -> Response:
    """One inspection for a drawn inspector: the case, the appointment, the checklist."""
    return _page(request, session, user, inspection_id)


def _visit_at(value: str) -> datetime:
    """A ``datetime-local`` value, local time (Beijing), as an aware datetime."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=timefmt.zone())
    except ValueError:
        raise InvalidInput(
            "请选择踏勘的日期和时间。", "Choose the date and time of the visit.", field="visit_at"
        ) from None


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _verdicts(form: FormData, row: Inspection) -> dict[str, inspection.Verdict]:
    found = {}
    for check in row.checklist:
        value = _text(form, f"check-{check['code']}")
        passed = {"pass": True, "fail": False}.get(value)
        found[check["code"]] = inspection.Verdict(passed, _text(form, f"note-{check['code']}"))
    return found


def _result(value: str) -> InspectionResult:
    if value not in set(InspectionResult):
        raise InvalidInput("请选择踏勘结论。", "Choose the result of the visit.", field="result")
    return InspectionResult(value)


@router.post("/inspections/{inspection_id}/{step}")
def inspector_step(
    inspection_id: int,
    step: str,
    request: Request,
    session: SessionDep,
    user: Inspector,
    now: NowDep,
    store: StoreDep,
    form: CheckedForm,
) -> Response:
    """A drawn inspector proposes the visit (``propose``), adds a photo (``photo``),
    records the findings and result (``conclude``), or, the other one, co-signs that
    record (``cosign``) or returns it with a reason (``return``); back to the page."""
    try:
        if step == "propose":
            inspection.propose_visit(
                session,
                inspection_id=inspection_id,
                user=user,
                visit_at=_visit_at(_text(form, "visit_at")),
                note=_text(form, "note"),
                now=now,
            )
        elif step == "photo":
            upload = form.get("photo")
            if not isinstance(upload, UploadFile) or not upload.filename:
                raise InvalidInput(
                    "请选择要上传的照片。", "Choose a photo to upload.", field="photo"
                )
            photo = inspection.Photo(upload.filename, upload.file.read(), _text(form, "check_code"))
            inspection.add_photo(
                session, inspection_id=inspection_id, user=user, photo=photo, now=now, store=store
            )
        elif step == "conclude":
            row = inspection.get_inspection(session, inspection_id=inspection_id, user=user)
            inspection.conclude(
                session,
                inspection_id=inspection_id,
                user=user,
                verdicts=_verdicts(form, row),
                result=_result(_text(form, "result")),
                rectification=_text(form, "rectification"),
                now=now,
            )
        elif step == "cosign":
            inspection.cosign(session, inspection_id=inspection_id, user=user, now=now)
        elif step == "return":
            inspection.return_record(
                session,
                inspection_id=inspection_id,
                user=user,
                reason=_text(form, "reason"),
                now=now,
            )
        else:
            raise NotFound("没有这个操作。", f"No step '{step}'.")
    except DomainError as error:

        def page(refusal: Refusal) -> Response:
            return _page(request, session, user, inspection_id, refusal)

        return page_again(request, session, error, form, page)
    return see_other(f"/inspections/{inspection_id}?done={step}")


@router.get("/inspections/{inspection_id}/photos/{photo_id}")
def photo(
    inspection_id: int, photo_id: int, session: SessionDep, user: CurrentUser, store: StoreDep
) -> Response:
    """A photo of an inspection the user may read (its inspectors, whoever sees the case)."""
    found = inspection.get_photo(session, photo_id=photo_id, user=user)
    if found.inspection_id != inspection_id:
        raise NotFound("没有找到该照片。", "No such photo.")
    return file_response(
        store.get(found.key), name=found.name, media_type=found.content_type, kind="inline"
    )


@router.post("/cases/{number}/inspections/{inspection_id}/answer")
def answer(
    number: str,
    inspection_id: int,
    request: Request,
    session: SessionDep,
    user: CurrentUser,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """The applicant accepts the proposed visit or asks for another time; back to the case
    (a refused answer shows the case page again with the reason and the reply kept)."""
    case = cases.get_case(session, number=number, user=user)
    row = inspection.get_inspection(session, inspection_id=inspection_id, user=user)
    if row.case_id != case.id:
        raise NotFound("没有找到该现场踏勘。", "No such inspection.")
    try:
        inspection.answer_visit(
            session,
            inspection_id=inspection_id,
            user=user,
            accept=_text(form, "answer") == "accept",
            reply=_text(form, "reply"),
            now=now,
        )
    except DomainError as error:

        def page(refusal: Refusal) -> Response:
            keep_for_panel(request, f"inspection-{inspection_id}", refusal)
            again = cases.get_case(session, number=number, user=user)
            return render_case_page(
                request, session, again, user, now, status_code=refusal.status_code
            )

        return page_again(request, session, error, form, page)
    return see_other(f"/cases/{number}?done=inspection#inspections")
