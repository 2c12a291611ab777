"""JSON API for entering a year's holiday arrangement: preview, then enter; the open
deadlines it moves are recomputed and audited (``holidays.service``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.holidays import service
from tongban.web.deps import NowDep, SessionDep
from tongban.workdays.enums import CalendarYearStatus
from tongban.workdays.schemas import (
    DayChangeRead,
    DeadlineMoveRead,
    YearChangeRead,
    YearProposal,
    YearWrite,
    YearWritten,
)

router = APIRouter(tags=["calendar"])
Admin = Annotated[User, Depends(require_roles(Role.system_admin))]
Year = Annotated[int, Path(ge=2004, le=2099)]


@router.post("/calendar/years/{year}/preview")
def preview_year(
    year: Year, body: YearProposal, session: SessionDep, user: Admin
) -> YearChangeRead:
    """What entering this arrangement would change (days, deadlines, messages); changes nothing."""
    change = service.preview_year(
        session=session, year=year, days=body.entries(), source=body.source
    )
    return _read(change)


@router.put("/calendar/years/{year}")
def put_year(
    year: Year, body: YearWrite, session: SessionDep, user: Admin, now: NowDep
) -> YearWritten:
    """Enter a year's complete arrangement as previewed (`confirm`); deadlines move (audited)."""
    change = service.replace_year(
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
        change=_read(change),
    )


def _read(change: service.YearChange) -> YearChangeRead:
    return YearChangeRead(
        year=change.year,
        previous_status=change.status,
        previous_source=change.source,
        day_changes=[
            DayChangeRead(date=c.day, is_workday=c.is_workday, name=c.name)
            for c in change.day_changes
        ],
        moves=[
            DeadlineMoveRead(
                case_number=m.case_number,
                clock=m.clock,
                unit=m.unit,
                old_due_at=m.old,
                new_due_at=m.new,
            )
            for m in change.moves
        ],
        cases_moved=change.cases_moved,
        cases_confirmed=list(change.confirmed),
        messages=change.messages,
        confirm=change.confirm,
    )
