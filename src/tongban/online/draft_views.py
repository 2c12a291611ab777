"""Autosave of the applicant's form (static/autosave.js): what was typed is stored every
half minute and when a field is left, so an applicant who only types (no upload yet)
also has a draft. The answer is a small JSON object for the script; autosave never
submits, never checks completeness (that is submission's job) and takes no files.

A post whose sign-in has ended is answered 401 in JSON with where to sign in
(``web.carry``); the script keeps what was typed in the browser meanwhile.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from tongban import timefmt
from tongban.cases import service
from tongban.cases.enums import CaseState
from tongban.cases.models import Case
from tongban.online.desk import (
    Desk,
    DeskDep,
    autosave_url,
    materials_url,
    save_typed,
    start_draft,
)
from tongban.web.deps import AgentFor, CheckedForm
from tongban.web.i18n import gettext_for

router = APIRouter()


def _saved(desk: Desk, case: Case) -> JSONResponse:
    """Where the draft lives now and a line for the page's live region."""
    desk.session.flush()  # the answer names the version this save produced
    tz = timefmt.zone(desk.request.app.state.runtime.settings.timezone)
    time = timefmt.moment(desk.now, tz, "%H:%M")
    edit = (
        f"/cases/{case.number}/edit" if case.state == CaseState.draft else f"/cases/{case.number}"
    )
    return JSONResponse(
        {
            "number": case.number,
            "version": case.version,
            "edit": edit,
            "autosave": autosave_url(case),
            "materials": materials_url(case),
            "message": gettext_for(desk.locale)("已自动保存 %(time)s", time=time),
        }
    )


@router.post("/apply/{code}/autosave")
def autosave_new(
    code: str,
    desk: DeskDep,
    form: CheckedForm,
    authorisation: AgentFor = None,
) -> JSONResponse:
    """Start the draft of a new application from what was typed so far."""
    case = start_draft(desk, code, authorisation)
    save_typed(desk, case, form)
    return _saved(desk, case)


@router.post("/cases/{number}/autosave")
def autosave(number: str, desk: DeskDep, form: CheckedForm) -> JSONResponse:
    """Store what was typed into a draft or a case in correction."""
    case = service.get_case(desk.session, number=number, user=desk.user)
    save_typed(desk, case, form)
    return _saved(desk, case)
