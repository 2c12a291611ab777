"""The supervision dashboard (电子监察 / 数据驾驶舱): cases by state, what is overdue and
whose it is, figures per department, item and stage over a chosen period, with charts
(ECharts) over data tables; every figure drills down to the cases it counts.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases.core.machine import STATE_NAMES_ZH
from tongban.cases.core.queries import STAGE_NAMES_ZH
from tongban.cases.enums import CHANNEL_NAMES_ZH, CaseState
from tongban.catalog import service as catalog
from tongban.ratings import service as ratings
from tongban.sharing import backfill
from tongban.supervision import service as supervision
from tongban.supervision.charts import charts_json
from tongban.supervision.links import Query, drill
from tongban.web.deps import NowDep, RuntimeDep, SessionDep
from tongban.web.i18n import gettext_for, locale_of
from tongban.web.templating import render, render_page_or_fragment

router = APIRouter()
Supervisor = Annotated[User, Depends(require_roles(Role.supervisor, Role.system_admin))]
STATUS_NAMES_ZH = {
    supervision.Status.open: "在办",
    supervision.Status.due_soon: "即将到期",
    supervision.Status.overdue: "已超期",
    supervision.Status.finished: "已办结",
    supervision.Status.late: "超期办结",
}


def _names(session: Session, locale: str) -> tuple[dict[str, str], dict[str, str]]:
    """Department and item (or bundle) names by code, in the page's language."""
    english = locale == "en"
    departments = {
        d.code: (d.name_en if english and d.name_en else d.name)
        for d in catalog.list_departments(session)
    }
    items = {}
    for entry in catalog.list_all_entries(session):
        definition = entry.current_version.definition if entry.current_version else {}
        name_en = definition.get("name_en")
        items[entry.code] = name_en if english and name_en else entry.name
    return departments, items


def _common(request: Request, session: Session) -> dict[str, Any]:
    locale = locale_of(request, request.app.state.runtime.settings.default_locale)
    department_names, item_names = _names(session, locale)
    return {
        "department_names": department_names,
        "item_names": item_names,
        "state_names": STATE_NAMES_ZH,
        "stage_names": STAGE_NAMES_ZH,
        "status_names": STATUS_NAMES_ZH,
        "channel_names": CHANNEL_NAMES_ZH,
        "drill": drill,
    }


@router.get("/supervision")
def dashboard(
    request: Request,
    session: SessionDep,
    user: Supervisor,
    now: NowDep,
    runtime: RuntimeDep,
    days: str = "",
    per: str = "week",
) -> Response:
    """Overdue work with its owner, volumes, on-time rates, time per item and per stage,
    and the backfill rate of shared fields (per day, week or month)."""
    period = int(days) if days.isdigit() and int(days) in supervision.PERIODS else 30
    tz = ZoneInfo(runtime.settings.timezone)
    figures = supervision.dashboard(session, now=now, tz=tz, days=period)
    context = _common(request, session)
    gettext = gettext_for(locale_of(request, runtime.settings.default_locale))
    charts = charts_json(
        figures,
        gettext=gettext,
        state_names=STATE_NAMES_ZH,
        stage_names=STAGE_NAMES_ZH,
        department_names=context["department_names"],
        item_names=context["item_names"],
        tz=tz,
    )
    context.update(
        figures=figures,
        days=period,
        periods=supervision.PERIODS,
        charts_json=charts,
        ratings=ratings.figures(session, now=now, since=now - timedelta(days=period)),
    )
    per = per if per in backfill.PERIODS else "week"
    since = now - timedelta(days=period)
    context.update(
        backfill_per=per,
        backfill_rates=backfill.rates(session, since=since, until=now, period=per, tz=tz),
        backfill_typed=backfill.typed_by_hand(session, since=since, until=now),
        backfill_reasons=backfill.REASON_ZH,
    )
    return render(request, "supervision/dashboard.html", context)


@router.get("/supervision/cases")
def supervised_cases(
    request: Request, session: SessionDep, user: Supervisor, now: NowDep, runtime: RuntimeDep
) -> Response:
    """The cases behind a figure, filtered, least time left first; htmx swaps only the table."""
    query = Query.parse(request.query_params, ZoneInfo(runtime.settings.timezone))
    found = supervision.list_supervised_cases(
        session, user=user, where=query.where, now=now, page=query.page
    )
    context = {**_common(request, session), "query": query, "found": found}
    return render_page_or_fragment(
        request,
        "supervision/cases.html",
        "supervision/_cases.html",
        context,
        lambda: {"states": [s for s in CaseState if s != CaseState.draft]},
    )
