"""Request and response bodies of the on-site inspection API (现场踏勘)."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from tongban.inspection.enums import InspectionResult, InspectionState, VisitState
from tongban.inspection.guards import TEXT_MAX


class CheckRead(BaseModel):
    code: str
    text: str = Field(description="What to check, as the item's catalog entry says")


class FindingRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    round: int = Field(description="The visit: 1, or 2 after rectification (复查)")
    check_code: str
    passed: bool
    note: str | None
    recorded_by: int = Field(description="User id of the inspector who recorded it")
    cosigned_by: int | None = Field(description="User id of the inspector who co-signed it")


class PhotoRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    round: int
    check_code: str | None
    name: str
    content_type: str
    size: int = Field(description="Bytes")


class InspectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_number: str
    item_code: str
    department_code: str
    first_inspector_id: int
    second_inspector_id: int
    state: InspectionState
    round: int
    checklist: list[CheckRead]
    pauses_clock: bool = Field(description="Its time does not count (行政许可法 art. 45)")
    due_at: datetime | None = Field(
        description="When the first visit's record must be co-signed (the item's limit), or null"
    )
    visit_at: datetime | None
    visit_state: VisitState | None
    visit_note: str | None
    reply: str | None = Field(description="The applicant's wish for another time")
    rectification: str | None
    unsigned_result: InspectionResult | None = Field(
        description="The result one inspector recorded, awaiting the other's co-signature"
    )
    findings: list[FindingRead]
    photos: list[PhotoRead]


class VisitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    visit_at: AwareDatetime = Field(description="When the inspectors come, with its offset")
    note: str = Field("", max_length=TEXT_MAX, description="What to prepare, whom to meet")


class VisitAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    accept: bool = Field(description="True: the time suits; false: ask for another")
    reply: str = Field("", max_length=TEXT_MAX, description="When would suit (if not accepted)")


class VerdictCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    passed: bool
    note: str = Field("", max_length=TEXT_MAX, description="What was found (if failed)")


class RecordCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdicts: dict[str, VerdictCreate] = Field(
        max_length=100, description="Checklist code → verdict, one for every check"
    )
    result: InspectionResult
    rectification: str = Field("", max_length=TEXT_MAX, description="What, by when (rectify)")


class RecordReturn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=TEXT_MAX, description="Why it is not signed")
