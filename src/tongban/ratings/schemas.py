"""Request and response bodies of the ratings API."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from tongban.ratings.rules import COMMENT_MAX, RECTIFICATION_MAX


class RatingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    score: int = Field(
        ge=1, le=5, description="5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意"
    )
    comment: str | None = Field(
        None,
        max_length=COMMENT_MAX,
        description="What went well or wrong; required for a score of 2 or less",
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
    department_code: str = Field(description="The case's lead department, which answers for it")
    score: int
    score_name: str = Field(description="The score's words: 非常满意 … 非常不满意")
    comment: str | None
    created_at: datetime
    bad: bool = Field(description="Score 2 or less: must be rectified in time")
    rectify_due_at: datetime | None
    rectification: str | None
    rectified_by: str | None
    rectified_at: datetime | None
    open: bool = Field(description="A bad rating not rectified yet")
    overdue: bool = Field(description="Open and past its due time")
    late: bool = Field(description="Rectified after its due time")
