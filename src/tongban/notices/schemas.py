"""Request and response bodies of the public notice API (公示, 异议)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from tongban.notices.enums import NoticeState, ObjectionState
from tongban.notices.objections import CONTACT_MAX, TEXT_MAX


class NoticeRead(BaseModel):
    """A notice as the public sees it: personal data masked when it opened."""

    id: int
    item_code: str
    name: str = Field(description="The applicant's name, masked (张*)")
    district: str
    household: int = Field(description="People in the household, the applicant included")
    opened_at: datetime
    ends_at: datetime = Field(description="Objections are taken until then (UTC)")
    state: NoticeState


class ObjectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=TEXT_MAX, description="What is wrong, 5 to 500 characters")
    contact: str = Field("", max_length=CONTACT_MAX, description="How to reach you (optional)")


class ObjectionFiled(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    notice_id: int
    filed_at: datetime
    state: ObjectionState


class ObjectionStatus(ObjectionFiled):
    """Where an objection stands, for whoever filed it (by its number): no reason, contact
    or finding, which may hold personal data; ``outcome`` is the stated end of one closed
    because another objection stopped the notice (公示已终止)."""

    outcome: str | None = Field(None, description="Set when the state is closed")


class ObjectionRead(ObjectionFiled):
    """An objection as the staff handling the case see it."""

    reason: str
    contact: str | None
    examined_by: str | None
    examined_at: datetime | None
    finding: str | None


class CaseNoticeRead(NoticeRead):
    ended_at: datetime | None
    objections: list[ObjectionRead]


class Examination(BaseModel):
    model_config = ConfigDict(extra="forbid")
    founded: bool = Field(
        description="异议成立: the case goes back to a new investigation (调查核实) and a new notice"
    )
    finding: str = Field(max_length=TEXT_MAX, description="What the check found, 2 to 500")
