"""The reform figures as JSON (the cockpit reads them) and their export as CSV or Excel,
with the same filters as the pages (``reform_query``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.supervision import export as exporting
from tongban.supervision.naming import names
from tongban.supervision.reform import Reform, ReformFigures, reform_figures
from tongban.supervision.reform_query import for_supervisor, parse
from tongban.web.deps import NowDep, RuntimeDep, SessionDep
from tongban.web.i18n import gettext_for, locale_of

router = APIRouter(tags=["supervision"])
Supervisor = Annotated[User, Depends(require_roles(Role.supervisor))]


def reform_json(
    figures: ReformFigures,
    items: dict[str, str],
    departments: dict[str, str],
    gettext: Callable[[str], str],
) -> dict[str, Any]:
    """The figures as plain data: rates are fractions (0.53) or null when nothing counts;
    names and the headline in the language of ``gettext``."""

    def entry(reform: Reform) -> dict[str, Any]:
        return {"counts": dict(reform.counts), "rates": reform.rates}

    return {
        "first": figures.where.first.isoformat(),
        "last": figures.where.last.isoformat(),
        "item": figures.where.item,
        "department": figures.where.department,
        "per": figures.per,
        "headline": figures.headline(gettext),
        "catalog": figures.catalog,
        "total": entry(figures.total),
        "stages": [
            {"stage": s, "tasks": t.n, "average_hours": t.average, "p90_hours": t.p90}
            for s, t in figures.total.ordered_stages()
        ],
        "series": [{"start": d.isoformat(), **entry(r)} for d, r in figures.series],
        "items": {c: {"name": items.get(c, c), **entry(r)} for c, r in figures.items.items()},
        "departments": {
            c: {"name": departments.get(c, c), **entry(r)} for c, r in figures.departments.items()
        },
        "rows_read": figures.rows_read,
    }


@router.get("/supervision/reform")
def reform(
    request: Request, session: SessionDep, user: Supervisor, now: NowDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Reform figures (改革成效) over a period, one item or department, per day/week/month."""
    tz = ZoneInfo(runtime.settings.timezone)
    query = parse(request.query_params, now=now, tz=tz)
    where = for_supervisor(session, user, query.where)
    figures = reform_figures(session, where=where, tz=tz, per=query.per)
    locale = locale_of(request, runtime.settings.default_locale)
    departments, items = names(session, locale)
    return reform_json(figures, items, departments, gettext_for(locale))


@router.post("/supervision/reform/export")
def export_reform(
    request: Request,
    session: SessionDep,
    user: Supervisor,
    now: NowDep,
    runtime: RuntimeDep,
    format: exporting.Format = exporting.Format.csv,
) -> Response:
    """The figures as a CSV or Excel file (same filters as ``GET``); audited as a data export."""
    return export_response(request, session, user, now, runtime, format, request.query_params)


def export_response(
    request: Request,
    session: Any,
    user: User,
    now: Any,
    runtime: Any,
    fmt: exporting.Format,
    params: Any,
) -> Response:
    """The download of an export, for the API and the page's form alike."""
    tz = ZoneInfo(runtime.settings.timezone)
    query = parse(params, now=now, tz=tz)
    where = for_supervisor(session, user, query.where)
    figures = reform_figures(session, where=where, tz=tz, per=query.per)
    locale = locale_of(request, runtime.settings.default_locale)
    departments, items = names(session, locale)
    body, filename = exporting.export(
        session,
        figures=figures,
        fmt=fmt,
        user=user,
        now=now,
        items=items,
        departments=departments,
        gettext=gettext_for(locale),
    )
    disposition = f'attachment; filename="{filename}"'
    return Response(
        body, media_type=exporting.MEDIA[fmt], headers={"Content-Disposition": disposition}
    )
