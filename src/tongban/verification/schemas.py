"""Request and response bodies of the verification (协查) API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from tongban.audit.names import english_of
from tongban.cases.schemas import TimeLeftRead


class VerificationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    to_department: str = Field(
        min_length=1, max_length=10, description="Code of the department asked to verify"
    )
    question: str = Field(
        min_length=1, max_length=1000, description="The fact to verify (协查事项)"
    )


class VerificationAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    answer: str = Field(min_length=1, max_length=2000, description="What the department found")
    confirmed: bool = Field(
        True, description="For a request about a material: whether the fact holds"
    )


class VerificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    case_number: str
    task_id: int
    from_department: str
    to_department: str
    question: str
    question_en: str | None = Field(
        None, description="Its English where the platform asked by itself, else None"
    )
    asked_by: str
    asked_by_en: ClassVar[Any] = english_of("asked_by")
    asked_at: datetime
    due_at: datetime
    answer: str | None
    answered_by: str | None
    answered_by_en: ClassVar[Any] = english_of("answered_by")
    answered_at: datetime | None
    material_code: str | None = Field(description="The material the platform asked about")
    confirmed: bool | None
    lapsed: bool = Field(description="Unanswered when its case ended: no longer due")
    time_left: TimeLeftRead | None = Field(None, description="Until answered")
