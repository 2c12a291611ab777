"""JSON API for the holiday calendar: the years recorded. Entering a year is ``holidays.api``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from tongban.accounts.deps import require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.web.deps import SessionDep
from tongban.workdays import service
from tongban.workdays.schemas import (
    YearRead,
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
