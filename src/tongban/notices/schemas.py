"""Request and response bodies of the public notice API (公示, 异议)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from tongban.audit.names import english_of
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


class ObjectionReceipt(ObjectionFiled):
    """An objection just filed, with the lookup code its filer keeps (shown this once)."""

    code: str = Field(description="The lookup code: with the id, what the lookup asks for")


class ObjectionLookup(BaseModel):
    model_config = ConfigDict(extra="forbid")
    number: str = Field(max_length=12, description="The objection's number (its id)")
    code: str = Field(max_length=20, description="The lookup code on the receipt")


class ObjectionStatus(ObjectionFiled):
    """Where an objection stands, for whoever filed it (by its number and code): no
    reason, contact or finding, which may hold personal data. ``state`` closed: another
    objection was founded, the notice stopped and the case is investigated again
    (公示已终止)."""


class ObjectionRead(ObjectionFiled):
    """An objection as the staff handling the case see it."""

    reason: str
    contact: str | None
    examined_by: str | None
    examined_by_en: ClassVar[Any] = english_of("examined_by")
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
