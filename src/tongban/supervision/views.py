"""The supervision dashboard (电子监察 / 数据驾驶舱): cases by state, what is overdue and
whose it is, per department figures and trends, with charts (ECharts) over data tables.
"""

from __future__ import annotations

import json
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.enums import CaseState
from tongban.cases.machine import STATE_NAMES_ZH
from tongban.catalog import service as catalog
from tongban.web.deps import NowDep, RuntimeDep, SessionDep, require_roles
from tongban.web.i18n import gettext_for, locale_of
from tongban.web.templating import render

router = APIRouter()
Supervisor = Annotated[User, Depends(require_roles(Role.supervisor, Role.system_admin))]


@router.get("/supervision")
def dashboard(
    request: Request, session: SessionDep, user: Supervisor, now: NowDep, runtime: RuntimeDep
) -> Response:
    """Overdue work with its owner, volumes, on-time rates and time per stage."""
    figures = cases.dashboard(session, now=now, tz=ZoneInfo(runtime.settings.timezone))
    _ = gettext_for(locale_of(request, runtime.settings.default_locale))
    departments = {d.code: d for d in catalog.list_departments(session)}
    charts = {
        "states": [
            [_(STATE_NAMES_ZH[CaseState(state)]), count]
            for state, count in figures.by_state.items()
        ],
        "trend": figures.received_per_day,
        "onTime": [
            [code, round(100 * rate, 1)]
            for code, entry in figures.departments.items()
            if (rate := entry.on_time_rate) is not None
        ],
        "labels": {"received": _("收件量"), "onTime": _("按时办结率（%）")},
    }
    context = {
        "figures": figures,
        "departments": departments,
        "state_names": STATE_NAMES_ZH,
        "charts_json": json.dumps(charts, ensure_ascii=False),
    }
    return render(request, "supervision/dashboard.html", context)
