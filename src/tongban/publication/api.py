"""JSON API of the publication (结果公示): public, no sign-in."""

from __future__ import annotations

from fastapi import APIRouter

from tongban import timefmt
from tongban.publication import service
from tongban.publication.schemas import PublishedRead
from tongban.publication.views import Search
from tongban.web.deps import NowDep, SessionDep

router = APIRouter(tags=["catalog"])


@router.get("/public/results")
def list_results(session: SessionDep, now: NowDep, q: Search = "") -> list[PublishedRead]:
    """结果公示: the licences in their publication period (at most 50, newest first)."""
    rows = service.published(session, today=timefmt.local(now).date(), q=q)
    return [PublishedRead.model_validate(row, from_attributes=True) for row in rows]
