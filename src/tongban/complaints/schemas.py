"""Request and response bodies of the complaints (12345) API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class ComplaintCreate(BaseModel):
    """Filed online by the signed-in person."""

    model_config = ConfigDict(extra="forbid")
    kind: str = Field(
        max_length=15, description="consultation (咨询), complaint (投诉), suggestion (建议)"
    )
    content: str = Field(max_length=2000, description="What the person says")
    case_number: str = Field("", max_length=30, description="One of the person's own cases")


class CallCreate(BaseModel):
    """A call recorded by a hotline operator."""

    model_config = ConfigDict(extra="forbid")
    caller_name: str = Field(max_length=60)
    phone: str = Field(max_length=30, description="Mobile or fixed line, to call back")
    kind: str = Field(max_length=15, description="consultation, complaint or suggestion")
    content: str = Field(max_length=2000)
    case_number: str = Field("", max_length=30, description="The case the call is about")
    item_code: str = Field(
        "", max_length=40, description="The item it is about (suggests the department)"
    )
    department: str = Field("", max_length=10, description="Route to; empty: the suggested one")


class RouteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    department: str = Field(max_length=10)


class ReasonBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(max_length=500, description="Why it is not the department's (退单)")


class AnswerBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answer: str = Field(max_length=2000)


class CallBackBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    satisfaction: str = Field(max_length=15, description="satisfied, fair or dissatisfied")
    note: str = Field("", max_length=500)


class ComplaintRead(BaseModel):
    """A complaint as its readers see it; the phone masked."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    channel: str
    state: str
    content: str
    case_id: int | None
    case_number: str | None = Field(description="The number of the case it is about")
    department_code: str | None
    filed_at: datetime
    limit_working_days: int
    due_at: datetime
    routed_at: datetime | None
    return_reason: str | None
    answer: str | None
    answered_at: datetime | None
    satisfaction: str | None
    closed_at: datetime | None
