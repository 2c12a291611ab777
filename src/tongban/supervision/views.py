"""The supervision dashboard (电子监察 / 数据驾驶舱): cases by state, what is overdue and
whose it is, figures per department, item and stage over a chosen period, with charts
(ECharts) over data tables; every figure drills down to the cases it counts.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.alerts import service as alerts
from tongban.cases.core import access
from tongban.cases.core.machine import STATE_NAMES_ZH
from tongban.cases.core.queries import STAGE_NAMES_ZH
from tongban.cases.enums import CHANNEL_NAMES_ZH, CaseState
from tongban.catalog import reading as catalog
from tongban.complaints import figures as complaint_figures
from tongban.identifiers import divisions
from tongban.jobs import service as jobs
from tongban.ratings import service as ratings
from tongban.sharing import backfill, reduction
from tongban.supervision import service as supervision
from tongban.supervision.charts import charts_json
from tongban.supervision.links import Query, drill
from tongban.supervision.naming import CHANNEL_ROW_NAMES, field_titles, names, source_names
from tongban.supervision.reform import ReformFilter, reform_figures
from tongban.supervision.reform_query import days_of, for_supervisor
from tongban.web.deps import NowDep, RuntimeDep, SessionDep
from tongban.web.i18n import gettext_for, locale_of
from tongban.web.templating import render, render_page_or_fragment

router = APIRouter()
Supervisor = Annotated[User, Depends(require_roles(Role.supervisor))]
FOLDED = 10  # rows of a long table the dashboard shows; its own page shows them all
STATUS_NAMES_ZH = {
    supervision.Status.open: "在办",
    supervision.Status.due_soon: "即将到期",
    supervision.Status.overdue: "已超期",
    supervision.Status.finished: "已办结",
    supervision.Status.late: "超期办结",
}


_names = names


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
        # the channel table's rows: the cases' channels and the ratings' (评价器, 短信 …)
        "channel_row_names": CHANNEL_ROW_NAMES,
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
    period = _period(days)
    tz = ZoneInfo(runtime.settings.timezone)
    region = access.supervised_departments(session, user)
    figures = supervision.dashboard(session, now=now, tz=tz, days=period, departments=region)
    context = _common(request, session)
    gettext = gettext_for(locale_of(request, runtime.settings.default_locale))
    since = now - timedelta(days=period)
    locale = locale_of(request, runtime.settings.default_locale)
    shared = _collect_once(session, since=since, now=now, tz=tz, per=per, fold=True, locale=locale)
    charts = charts_json(
        figures,
        gettext=gettext,
        state_names=STATE_NAMES_ZH,
        stage_names=STAGE_NAMES_ZH,
        department_names=context["department_names"],
        item_names=context["item_names"],
        tz=tz,
        reductions=shared["reductions"],
    )
    context.update(
        figures=figures,
        days=period,
        periods=supervision.PERIODS,
        charts_json=charts,
        region=_region_name(session, user),
        # the period's local days, as the reform figures count them: one 好评率 on the page
        ratings=ratings.figures(session, now=now, since=figures.period.start, within=region),
        complaint_figures=complaint_figures.per_department(session, now=now, within=region),
        reform=reform_figures(
            session,
            where=for_supervisor(
                session, user, ReformFilter(figures.period.first, figures.period.last)
            ),
            tz=tz,
            stages=False,  # the card shows rates; the stage times are the figures'
        ),
    )
    context.update(shared, reductions=shared["reductions"][:FOLDED])
    context.update(
        alerts.list_context(session, department=None, within=region, limit=20),
        alert_counts=alerts.open_counts(session, within=region),
        job_counts=jobs.counts(session, now=now),
    )
    return render(request, "supervision/dashboard.html", context)


def _region_name(session: Session, user: User) -> str | None:
    """The region a supervisor of a department oversees, by its GB/T 2260 name (None: the
    platform's supervisors, who oversee every region)."""
    if user.department_code is None:
        return None
    code = catalog.get_department(session, code=user.department_code).division_code
    return f"{divisions.full_name(code) or code}（{code}）"


def _period(days: str) -> int:
    """The last 7, 30 (none given) or 90 days, as the reform figures and their API take
    them; anything else is refused saying the choices."""
    return days_of(days or "30")


def _collect_once(
    session: Session,
    *,
    since: datetime,
    now: datetime,
    tz: ZoneInfo,
    per: str,
    fold: bool,
    locale: str,
) -> dict[str, Any]:
    """The backfill rates (newest first when folded: the dashboard shows ``FOLDED`` rows
    of each table, with how many there are) and the fields typed by hand."""
    per = per if per in backfill.PERIODS else "week"
    rates = backfill.rates(session, since=since, until=now, period=per, tz=tz)
    typed = backfill.typed_by_hand(session, since=since, until=now)
    reductions = reduction.reductions(session, since=since)
    return {
        "backfill_per": per,
        "backfill_rates": list(reversed(rates))[:FOLDED] if fold else rates,
        "backfill_typed": typed[:FOLDED] if fold else typed,
        "backfill_counts": {"rates": len(rates), "typed": len(typed)},
        "backfill_reasons": backfill.REASON_ZH,
        "backfill_folded": fold,
        "reductions": reductions,
        "reductions_count": len(reductions),
        "field_titles": field_titles(session, locale),  # the typed fields by their titles
        "source_names": source_names(session, locale),
    }


@router.get("/supervision/sharing")
def collect_once(
    request: Request,
    session: SessionDep,
    user: Supervisor,
    now: NowDep,
    runtime: RuntimeDep,
    days: str = "",
    per: str = "week",
) -> Response:
    """Every row of the backfill rates, the fields typed by hand and the fewer fields and
    materials per item, over the dashboard's period."""
    period = _period(days)
    tz = ZoneInfo(runtime.settings.timezone)
    since = now - timedelta(days=period)
    context = _common(request, session)
    context.update(days=period, periods=supervision.PERIODS)
    locale = locale_of(request, runtime.settings.default_locale)
    shared = _collect_once(session, since=since, now=now, tz=tz, per=per, fold=False, locale=locale)
    context.update(shared)
    return render(request, "supervision/sharing.html", context)


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
        lambda: {
            "states": [s for s in CaseState if s != CaseState.draft],
            **_choices(session, user, context),
        },
    )


def _choices(session: Session, user: User, context: dict[str, Any]) -> dict[str, Any]:
    """The filters' departments and items: those of the supervisor's region and cases."""
    departments, items = context["department_names"], context["item_names"]
    offered = supervision.filter_choices(session, user=user)
    if offered is not None:
        departments = {code: name for code, name in departments.items() if code in offered[0]}
        items = {code: name for code, name in items.items() if code in offered[1]}
    return {"department_choices": departments, "item_choices": items}
