"""The public page of granted licences (结果公示, no sign-in)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from tongban import timefmt
from tongban.licences.enums import STATUS_NAMES_ZH
from tongban.publication import service
from tongban.web.deps import NowDep, SessionDep
from tongban.web.templating import render

router = APIRouter()
Search = Annotated[str, Query(max_length=service.QUERY_MAX)]


@router.get("/public/results")
def results_page(request: Request, session: SessionDep, now: NowDep, q: Search = "") -> Response:
    """结果公示: the licences in their publication period, searchable."""
    rows = service.published(session, today=timefmt.local(now).date(), q=q)
    context = {"rows": rows, "q": q, "status_names": STATUS_NAMES_ZH}
    return render(request, "publication/results.html", context)
