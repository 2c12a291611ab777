"""What staff send about a task through the API: an opinion (with the task version seen),
a review's outcome, a delivery's record, a correction notice's problems, a pause and a
reassignment (改派)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from tongban.cases.enums import PauseReason, TaskOutcome
from tongban.cases.schemas import MailingAddress


class Reassignment(BaseModel):
    """改派: to whom, and why (the reason is audited and sent to the new holder)."""

    model_config = ConfigDict(extra="forbid")
    assignee_id: int
    reason: str = Field(min_length=1, max_length=1000)


class Opinion(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    opinion: str = Field("", max_length=2000)
    version: int | None = Field(None, description="The task version you saw; a mismatch is a 409")


class DeliveryRecord(Opinion):
    tracking_number: str | None = Field(
        None, max_length=40, description="Waybill number: required for delivery by post"
    )
    postal: MailingAddress | None = Field(
        None, description="The mailing address, when the clerk enters or corrects it"
    )
    pickup_code: str | None = Field(
        None,
        max_length=12,
        description="The applicant's pickup code (取件码): required to hand a result over at "
        "the window",
    )


class ReviewDecision(Opinion):
    outcome: TaskOutcome


class Problem(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    target: str = Field(min_length=1, max_length=100, description="Field or material concerned")
    problem: str = Field(
        min_length=1, max_length=500, description="What is wrong and how to fix it"
    )


class CorrectionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    problems: list[Problem] = Field(min_length=1)
    opinion: str | None = Field(None, max_length=2000)


class PauseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    reason: PauseReason
    note: str = Field(min_length=1, max_length=1000)
    until: date = Field(
        description="The last day (a local date, today or later) the hearing, inspection, "
        "testing or expert review needs: told to the applicant in writing (行政许可法第四十五条)"
    )
