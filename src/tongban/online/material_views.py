"""One material at a time from the applicant's form page: the file is stored as soon as it
is chosen and the material's row comes back as an HTML fragment for the script to swap
in. Posted without the script (no ``X-Requested-With`` header), the answer is a redirect
to the form, or the form with the problem (422).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from tongban.cases import service
from tongban.cases.enums import CaseState
from tongban.cases.http.material_rows import material_rows
from tongban.cases.models import Case
from tongban.errors import InvalidInput, NotFound
from tongban.files.service import too_large
from tongban.forms import inputs
from tongban.online.desk import Desk, DeskDep, materials_url, sign_on_desk
from tongban.online.views import form_page
from tongban.web import limits
from tongban.web.deps import CheckedForm, see_other
from tongban.web.templating import render

router = APIRouter()


def _from_script(request: Request) -> bool:
    return request.headers.get("x-requested-with") == "XMLHttpRequest"


def _store(desk: Desk, case: Case, code: str, upload: object, valid_until: object) -> None:
    left_out = limits.left_out(desk.request)
    if left_out:
        raise too_large(next(iter(left_out.values())), desk.max_bytes)
    if not isinstance(upload, UploadFile) or not upload.filename:
        raise InvalidInput("请选择要上传的文件。", "Choose a file to upload.", field="file")
    service.add_material(
        desk.session,
        case=case,
        user=desk.user,
        material_code=code,
        filename=upload.filename,
        data=limits.read_bounded(upload, max_bytes=desk.max_bytes),
        store=desk.store,
        max_bytes=desk.max_bytes,
        now=desk.now,
        valid_until=valid_until if isinstance(valid_until, str) else None,
    )


UPLOAD = "/cases/{number}/materials/{code}"
limits.keeps_typed(UPLOAD)  # a file past the size limit: its row says so


@router.post(UPLOAD)
def upload_material(number: str, code: str, desk: DeskDep, form: CheckedForm) -> Response:
    """Store the file of one material of a draft or a case in correction; answer its row."""
    case = service.get_case(desk.session, number=number, user=desk.user)
    spec = service.spec_of(desk.session, case)
    if all(wanted["code"] != code for wanted in spec["materials"]):
        raise NotFound(f"本事项没有材料“{code}”。", f"No material '{code}'.")
    problems: inputs.Problems = {}
    try:
        _store(desk, case, code, form.get("file"), form.get("valid_until"))
    except InvalidInput as error:
        problems[f"materials.{code}"] = error.message(desk.locale)
    if not _from_script(desk.request):
        if problems:
            return form_page(desk, case, problems)
        draft = case.state == CaseState.draft
        return see_other(f"/cases/{number}/edit" if draft else f"/cases/{number}")
    ways = service.material_ways(desk.session, case=case, now=desk.now)
    rows = material_rows(spec, ways, problems, desk.locale)
    context = {
        "material": next(row for row in rows if row["code"] == code),
        "upload_url": materials_url(case),
    }
    return render(
        desk.request, "cases/_material.html", context, status_code=422 if problems else 200
    )


@router.post("/cases/{number}/signatures/{code}")
def sign_letter(number: str, code: str, desk: DeskDep, form: CheckedForm) -> Response:
    """Sign a commitment letter from the form page (the whole form is posted, so what was
    typed is saved first); back to the form, at the letter."""
    case = service.get_case(desk.session, number=number, user=desk.user)
    problems = sign_on_desk(desk, case, code, form)
    if problems:
        return form_page(desk, case, problems)
    draft = case.state == CaseState.draft
    page = f"/cases/{number}/edit" if draft else f"/cases/{number}"
    return see_other(f"{page}?done=signed#material-{code}")
