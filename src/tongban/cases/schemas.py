"""Request and response bodies of the cases API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from tongban.cases.enums import CaseState, PauseReason, Stage, TaskOutcome, TaskState


class CaseCreate(BaseModel):
    code: str = Field(description="Code of the item or bundle to apply for")
    form_data: dict[str, Any] = Field(default_factory=dict)


class CaseUpdate(BaseModel):
    form_data: dict[str, Any]
    delivery: str | None = Field(None, description="online, mail or window")


class TimeLeftRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    amount: float = Field(
        description="Working days (or office hours) left; negative when overdue. While the "
        "clock is paused, what was left when the pause began"
    )
    unit: str
    due_at: datetime = Field(
        description="When the limit runs out (a working-day limit: local midnight ending its "
        "last day); while paused, when it would if the clock resumed now"
    )
    provisional: bool = Field(description="Counted on a holiday calendar not yet published")
    paused: bool = Field(description="The clock stands still (correction or art. 45 procedure)")
    overdue: bool
    limit: float = Field(description="The limit, extension included, in the unit")
    extension: float = Field(0, description="Art. 42 extension included in the limit")
    urgency: str = Field(
        description="green, yellow (a working day or a quarter left) or red (overdue)"
    )


class CaseRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: str
    title: str
    catalog_code: str
    catalog_version_id: int
    state: CaseState
    lead_department: str
    delivery: str
    joint: bool
    extended: bool
    form_data: dict[str, Any]
    created_at: datetime
    received_at: datetime | None
    accepted_at: datetime | None
    decided_at: datetime | None
    closed_at: datetime | None
    version: int
    time_left: TimeLeftRead | None = Field(
        None, description="Against the promised limit (before acceptance: the acceptance stage)"
    )
    legal_time_left: TimeLeftRead | None = Field(
        None,
        description="Against the legal limit (art. 42, extension included) from acceptance to "
        "the decision",
    )


class TaskRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_number: str
    stage: Stage
    department_code: str
    item_code: str | None
    state: TaskState
    outcome: TaskOutcome | None
    opinion: str | None
    actor_name: str | None
    started_at: datetime
    finished_at: datetime | None
    due_at: datetime | None
    version: int
    time_left: TimeLeftRead | None = None


class Opinion(BaseModel):
    opinion: str = Field("", max_length=2000)
    version: int | None = Field(None, description="The task version you saw; a mismatch is a 409")


class ReviewDecision(Opinion):
    outcome: TaskOutcome


class Problem(BaseModel):
    target: str = Field(min_length=1, max_length=100, description="Field or material concerned")
    problem: str = Field(
        min_length=1, max_length=500, description="What is wrong and how to fix it"
    )


class CorrectionCreate(BaseModel):
    problems: list[Problem] = Field(min_length=1)
    opinion: str | None = Field(None, max_length=2000)


class CorrectionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    problems: list[dict[str, str]]
    opinion: str | None
    issued_by: str
    issued_at: datetime
    resolved_at: datetime | None


class PauseCreate(BaseModel):
    reason: PauseReason
    note: str = Field(min_length=1, max_length=1000)


class MaterialRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    material_code: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime


class ResultRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    item_code: str | None
    title: str
    kind: str
    issued_at: datetime
    valid_until: datetime | None


class StageRead(BaseModel):
    stage: Stage
    name_zh: str
    started_at: datetime | None
    finished_at: datetime | None
    working_time: float
    unit: str
    tasks: list[TaskRead]


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    action: str
    actor_name: str
    from_state: str | None
    to_state: str | None
    opinion: str | None


class TimelineRead(BaseModel):
    stages: list[StageRead]
    events: list[EventRead]
    time_left: TimeLeftRead | None
    legal_time_left: TimeLeftRead | None = None
