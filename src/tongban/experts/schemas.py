"""Request and response bodies of the expert review API (专家评审)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from tongban.audit.names import english_of
from tongban.experts.enums import Field as ExpertField
from tongban.experts.enums import PanelState, SeatState, Verdict
from tongban.experts.limits import MAX_SIZE, MAX_WORKING_DAYS, TEXT_MAX


class SeatRead(BaseModel):
    """One expert's seat on a panel, as the expert sees it."""

    id: int
    panel_id: int
    case_number: str
    field: ExpertField
    question: str = Field(description="What the reviewer asks the panel")
    due_at: datetime = Field(description="The panel's deadline (UTC)")
    panel_state: PanelState
    state: SeatState
    reads_case: bool = Field(
        description="True while the panel sits and the expert declared no conflict: the "
        "case may be read (read-only) on the seat's page"
    )
    recusal: str | None = Field(description="The conflict declared (回避), if any")
    verdict: Verdict | None
    opinion: str | None
    answered_at: datetime | None


class OpinionRead(BaseModel):
    """One seat of a panel as the staff handling the case see it."""

    expert: str = Field(description="The expert's name")
    expert_en: ClassVar[Any] = english_of("expert")
    state: SeatState
    recusal: str | None
    verdict: Verdict | None
    opinion: str | None
    answered_at: datetime | None
    has_attachment: bool


class PanelRead(BaseModel):
    """A panel a case was sent to, with its seats."""

    id: int
    case_number: str
    field: ExpertField
    size: int
    question: str
    convened_by: str
    convened_by_en: ClassVar[Any] = english_of("convened_by")
    convened_at: datetime
    due_at: datetime
    state: PanelState
    closed_at: datetime | None
    closed_why: str | None = Field(
        description="answered (every opinion in), deadline, or case_ended (the case ended first)"
    )
    seats: list[OpinionRead]


class PanelCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    field: ExpertField
    size: int = Field(ge=1, le=MAX_SIZE, description="Experts to draw")
    working_days: int = Field(ge=1, le=MAX_WORKING_DAYS, description="Deadline, working days")
    question: str = Field(min_length=1, max_length=TEXT_MAX)


class Declaration(BaseModel):
    model_config = ConfigDict(extra="forbid")
    conflict: bool = Field(description="True: a conflict of interest (回避); another is drawn")
    reason: str = Field("", max_length=TEXT_MAX, description="The conflict (when true)")


class OpinionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdict: Verdict
    opinion: str = Field(min_length=1, max_length=TEXT_MAX, description="The reasons")
