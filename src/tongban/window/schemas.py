"""What the window's JSON API answers: a clerk's cases taken in (窗口受理转出的办件)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from tongban.cases.enums import CaseState, Stage


class WhereNow(BaseModel):
    """An open task of the case: the stage it waits in and the department doing it."""

    stage: Stage
    department_code: str


class TakenInRead(BaseModel):
    """A case the clerk took in at the window and submitted: nothing of the applicant, only
    where the case is."""

    number: str
    catalog_code: str
    title: str = Field(description="The item's or bundle's name when it was applied for")
    title_en: str | None = Field(
        None, description="That name in English (the catalog's name_en), None where it has none"
    )
    state: CaseState
    lead_department: str = Field(description="The department that handles it")
    submitted_at: datetime
    forwarded_at: datetime | None = Field(
        default=None, description="跨域通办: when this hall forwarded it to the handling region"
    )
    now: list[WhereNow] = Field(description="Its open tasks; empty once it is decided and closed")
