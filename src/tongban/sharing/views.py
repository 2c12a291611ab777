"""Profile pages: the applicant's own (``/my/profile``), and the case applicant's for staff
handling the case, read by a POST that states why (the reading is logged)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentApplicant, CurrentStaff
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.core.machine import STATE_NAMES_ZH
from tongban.cases.http.panels import task_panel
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.errors import InvalidInput
from tongban.licences.enums import STATUS_NAMES_ZH as LICENCE_STATUS_NAMES
from tongban.sharing import profiles
from tongban.web.deps import CheckedForm, NowDep, SessionDep
from tongban.web.i18n import locale_of
from tongban.web.templating import render

router = APIRouter()


def _context(session: Session, found: list[profiles.Profile], lang: str) -> dict[str, Any]:
    """``source_names`` and ``field_names`` (by source, then field) in the page's language:
    the access log names the fields each pull read (a profile reading: the sources and the
    reusable materials)."""
    sources = catalog.list_sources(session)
    english = lang == "en"
    names = {
        code: (source.get("name_en") if english else None) or source["name"]
        for code, source in sources.items()
    }
    fields = {
        code: {
            name: (spec.get("title_en") if english else None) or spec["title"]
            for name, spec in source["fields"].items()
        }
        for code, source in sources.items()
    }
    materials = "Reusable materials" if english else "可复用的材料"
    return {
        "profiles": found,
        "material_names": _material_names(session, found, english),
        "source_names": {**names, "profile": "Profile reading" if english else "档案查看"},
        "field_names": {**fields, "profile": {**names, profiles.MATERIALS: materials}},
        "state_names": STATE_NAMES_ZH,
        "licence_status_names": LICENCE_STATUS_NAMES,
    }


def _material_names(
    session: Session, found: list[profiles.Profile], english: bool
) -> dict[int, dict[str, str]]:
    """By case, the names of its materials in the page's language: a pull that verified a
    material logs the material's code (``ID_CARD``), which the log shows by its name."""
    named: dict[int, dict[str, str]] = {}
    for row in (row for profile in found for row in profile.accesses):
        if row.case_id is None or row.case_id in named:
            continue
        spec = cases.spec_of(session, session.get_one(Case, row.case_id))
        named[row.case_id] = {
            str(m["code"]): str((m.get("name_en") if english else None) or m["name"])
            for m in spec["materials"]
        }
    return named


def _lang(request: Request) -> str:
    return locale_of(request, request.app.state.runtime.settings.default_locale)


@router.get("/my/profile")
def my_profile(
    request: Request, session: SessionDep, user: CurrentApplicant, now: NowDep
) -> Response:
    """My profile: what the shared sources hold about me, my e-licences, my cases, who
    looked at my data."""
    found = profiles.profiles_of(session, user=user, now=now)
    context = _context(session, found, _lang(request))
    return render(request, "sharing/profile.html", {**context, "own": True})


@router.post("/cases/{number}/profile")
def case_profile(
    number: str,
    request: Request,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    form: CheckedForm,
) -> Response:
    """The applicant's profile for staff handling the case; the reason is logged."""
    purpose = form.get("purpose")
    try:
        found = profiles.view_for_case(
            session,
            user=user,
            number=number,
            purpose=purpose if isinstance(purpose, str) else "",
            now=now,
        )
    except InvalidInput as error:
        context = {"profile_number": number, "profile_problem": error.message(_lang(request))}
        return render(request, "sharing/profile_reason.html", context, status_code=422)
    context = _context(session, [found], _lang(request))
    return render(request, "sharing/profile.html", {**context, "own": False, "number": number})


@task_panel
def profile_panel(
    request: Request, session: Session, case: Case, user: User, now: datetime
) -> dict[str, Any]:
    """The task page's button to read the applicant's profile (with a reason)."""
    return {"profile_number": case.number, "profile_problem": None}
