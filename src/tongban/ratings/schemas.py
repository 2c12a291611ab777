"""Request and response bodies of the ratings API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from tongban.audit.names import english_of
from tongban.ratings.rules import COMMENT_MAX, RECTIFICATION_MAX

Stage = Literal["receipt", "acceptance", "completion"]
Indicator = Literal["speed", "guide", "convenience", "ease"]


class RatingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    score: int = Field(
        ge=1, le=5, description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意"
    )
    comment: str | None = Field(
        None,
        max_length=COMMENT_MAX,
        description="What went well or wrong; a score of 2 or less needs it or a reason tag "
        "of bad_tags (GET /ratings/options)",
    )
    stage: Stage = Field(
        "completion", description="The stage rated (一事多评): receipt, acceptance or completion"
    )
    tags: list[str] = Field(
        default_factory=list,
        max_length=12,
        description="Reason tags offered for the stage (GET /ratings/options: stage_tags)",
    )
    indicators: dict[Indicator, int] = Field(
        default_factory=dict,
        description="1–5 per national indicator: speed, guide (accuracy), convenience, ease",
    )


class RectificationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    text: str = Field(
        min_length=1,
        max_length=RECTIFICATION_MAX,
        description="What was wrong, what was done, and the answer to the applicant",
    )


class RatingRead(BaseModel):
    id: int
    case_number: str
    case_title: str
    case_title_en: str | None = Field(
        None, description="The case's title in English (the catalog's name_en), if any"
    )
    department_code: str = Field(description="The case's lead department, which answers for it")
    score: int
    score_name: str = Field(description="The score's words: 非常满意 … 非常不满意")
    comment: str | None
    created_at: datetime
    bad: bool = Field(description="Score 2 or less: must be rectified in time")
    rectify_due_at: datetime | None
    rectification: str | None
    rectified_by: str | None
    rectified_by_en: ClassVar[Any] = english_of("rectified_by")
    rectified_at: datetime | None
    stage: str
    channel: str = Field(
        description="Where the rating was given (评价渠道): web, mobile, kiosk (a hall's "
        "self-service terminal), api, window (the window's rating pad), sms or email (the "
        "signed link in a text message or e-mail); not the case's own channel"
    )
    round: int = Field(description="2 for the rating given again after a rectification")
    tags: list[str]
    indicators: dict[str, int]
    callback_note: str | None
    callback_reached: bool | None
    callback_at: datetime | None
    callbacks: list[CallbackRead] = Field(
        description="Every call-back attempt (回访), oldest first, the failed ones too; "
        "``callback_*`` above repeat the last"
    )
    appeal: AppealRead | None
    may_rate_again: bool = Field(
        description="Rectified and called back: the applicant may rate again"
    )
    open: bool = Field(description="A bad rating not rectified yet")
    overdue: bool = Field(description="Open and past its due time")
    late: bool = Field(description="Rectified after its due time")


class CallbackCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    note: str = Field(
        min_length=1, max_length=RECTIFICATION_MAX, description="What the applicant said"
    )
    reached: bool = Field(True, description="Whether the applicant was reached")


class CallbackRead(BaseModel):
    at: datetime
    by: str = Field(description="Who called the applicant back")
    note: str
    reached: bool = Field(description="Whether the applicant was reached")


class AppealCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=RECTIFICATION_MAX)


class AppealDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")
    outcome: Literal["upheld", "dismissed"]
    decision: str = Field(min_length=1, max_length=RECTIFICATION_MAX)


class AppealRead(BaseModel):
    rating_id: int
    department_code: str
    reason: str
    appealed_by: str
    appealed_by_en: ClassVar[Any] = english_of("appealed_by")
    appealed_at: datetime
    outcome: str | None
    decision: str | None
    decided_by: str | None
    decided_by_en: ClassVar[Any] = english_of("decided_by")
    decided_at: datetime | None
