"""JSON API for the holiday calendar: read years; preview, then enter, a year's arrangement."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.web.deps import NowDep, SessionDep
from tongban.workdays import replacement, service
from tongban.workdays.enums import CalendarYearStatus
from tongban.workdays.schemas import (
    YearChangeRead,
    YearProposal,
    YearRead,
    YearWrite,
    YearWritten,
)

router = APIRouter(tags=["calendar"])
Admin = Annotated[User, Depends(require_roles(Role.system_admin))]
Year = Annotated[int, Path(ge=2004, le=2099)]


@router.get("/calendar/years")
def years(session: SessionDep) -> list[YearRead]:
    """Years whose official arrangement is recorded; others count provisionally."""
    return [
        YearRead(year=y.year, status=y.status, source=y.source)
        for y in service.list_years(session=session)
    ]


@router.post("/calendar/years/{year}/preview")
def preview_year(
    year: Year, body: YearProposal, session: SessionDep, user: Admin
) -> YearChangeRead:
    """What entering this arrangement would change (days, deadlines, messages); changes nothing."""
    change = replacement.preview_year(
        session=session, year=year, days=body.entries(), source=body.source
    )
    return YearChangeRead.of(change)


@router.put("/calendar/years/{year}")
def put_year(
    year: Year, body: YearWrite, session: SessionDep, user: Admin, now: NowDep
) -> YearWritten:
    """Enter a year's complete arrangement as previewed (`confirm`); deadlines move (audited)."""
    change = replacement.replace_year(
        session=session,
        year=year,
        days=body.entries(),
        source=body.source,
        confirm=body.confirm,
        actor=actor_of(user),
        now=now,
    )
    return YearWritten(
        year=year,
        status=CalendarYearStatus.official,
        source=body.source.strip(),
        cases_recomputed=len(change.cases_moved),
        change=YearChangeRead.of(change),
    )
