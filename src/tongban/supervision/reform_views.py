"""Pages of the reform figures: the detailed view with filters, charts and exports
(``/supervision/reform``), and the one-screen cockpit for a wall display (数据驾驶舱,
``/supervision/cockpit``), which refreshes itself from the JSON API."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases.core.queries import STAGE_NAMES_ZH
from tongban.cases.enums import Stage
from tongban.catalog import service as catalog
from tongban.errors import InvalidInput
from tongban.supervision import export as exporting
from tongban.supervision.api import export_response, reform_json
from tongban.supervision.naming import names
from tongban.supervision.reform import reform_figures
from tongban.supervision.reform_query import DAYS, for_supervisor, parse
from tongban.web.deps import CheckedForm, NowDep, RuntimeDep, SessionDep
from tongban.web.i18n import gettext_for, locale_of
from tongban.web.templating import render

router = APIRouter()
Supervisor = Annotated[User, Depends(require_roles(Role.supervisor))]
REFRESH_SECONDS = 60  # the cockpit's refresh; the figures change every metrics refresh


@router.get("/supervision/reform")
def reform_page(
    request: Request, session: SessionDep, user: Supervisor, now: NowDep, runtime: RuntimeDep
) -> Response:
    """The reform figures with their filters, the seeds' headline, charts and exports."""
    tz = ZoneInfo(runtime.settings.timezone)
    query = parse(request.query_params, now=now, tz=tz)
    where = for_supervisor(session, user, query.where)
    figures = reform_figures(session, where=where, tz=tz, per=query.per)
    gettext = gettext_for(locale_of(request, runtime.settings.default_locale))
    departments, items = names(session, locale_of(request, runtime.settings.default_locale))
    data = reform_json(figures, items, departments, gettext)
    return render(
        request,
        "supervision/reform.html",
        {
            "query": query,
            "figures": figures,
            "data": data,
            "days_choices": DAYS,
            "department_names": departments,
            "item_names": items,
            "choices_items": [e.code for e in catalog.list_entries(session)],
            "stage_names": {s.value: STAGE_NAMES_ZH[Stage(s)] for s in Stage},
            "stage_names_local": {s.value: gettext(STAGE_NAMES_ZH[Stage(s)]) for s in Stage},
        },
    )


@router.post("/supervision/reform/export")
def reform_export(
    request: Request,
    session: SessionDep,
    user: Supervisor,
    now: NowDep,
    runtime: RuntimeDep,
    form: CheckedForm,
) -> Response:
    """The figures of the page's filters as a CSV or Excel download (audited)."""
    params = {k: str(v) for k, v in form.items() if isinstance(v, str)}
    fmt = params.get("format", "csv")
    if fmt not in set(exporting.Format):
        raise InvalidInput(
            "导出格式只能是 CSV 或 Excel。", "Export as CSV or Excel only.", field="format"
        )
    return export_response(request, session, user, now, runtime, exporting.Format(fmt), params)


@router.get("/supervision/cockpit")
def cockpit(request: Request, user: Supervisor, refresh: str = "") -> Response:
    """The one-screen overview (数据驾驶舱); its script fetches the figures every minute
    (``refresh``: other seconds, 5 to 3600)."""
    seconds = int(refresh) if refresh.isdigit() and 5 <= int(refresh) <= 3600 else REFRESH_SECONDS
    return render(request, "supervision/cockpit.html", {"refresh_seconds": seconds})
