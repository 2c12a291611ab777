"""JSON API for the holiday calendar: read years, enter a year's official arrangement."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, Field

from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases import service as cases
from tongban.web.deps import NowDep, SessionDep
from tongban.workdays import service
from tongban.workdays.enums import CalendarYearStatus

router = APIRouter(tags=["calendar"])
Admin = Annotated[User, Depends(require_roles(Role.system_admin))]


class YearRead(BaseModel):
    year: int
    status: CalendarYearStatus
    source: str


class DayWrite(BaseModel):
    date: date
    is_workday: bool = Field(description="true: make-up working day; false: holiday")
    name: str = Field(min_length=1, max_length=60)


class YearWrite(BaseModel):
    source: str = Field(
        min_length=1, max_length=200, description="e.g. 国务院办公厅通知 国办发明电〔2026〕X号"
    )
    days: list[DayWrite] = Field(min_length=1)


class YearWritten(YearRead):
    cases_recomputed: int


@router.get("/calendar/years")
def years(session: SessionDep) -> list[YearRead]:
    """Years whose official arrangement is recorded; others count provisionally."""
    return [
        YearRead(year=y.year, status=y.status, source=y.source)
        for y in service.list_years(session=session)
    ]


@router.put("/calendar/years/{year}")
def put_year(
    year: Annotated[int, Path(ge=2004, le=2099)],
    body: YearWrite,
    session: SessionDep,
    user: Admin,
    now: NowDep,
) -> YearWritten:
    """Enter a year's official holidays and make-up days; open deadlines are recomputed (audited)."""
    days = [(day.date, day.is_workday, day.name) for day in body.days]
    row = service.set_official_year(session=session, year=year, days=days, source=body.source)
    changed = cases.recompute_open_deadlines(session, actor=actor_of(user), now=now)
    return YearWritten(
        year=row.year, status=row.status, source=row.source, cases_recomputed=changed
    )
