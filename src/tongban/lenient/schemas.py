"""Request and response bodies of the lenient modes' API (告知承诺, 事后核查, 容缺受理)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from tongban import timefmt
from tongban.audit.names import english_of


class CheckResult(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    passed: bool = Field(description="Whether the applicant meets what they committed to")
    finding: str = Field(min_length=1, max_length=2000, description="What the check found")


class AcceptDeficient(BaseModel):
    model_config = ConfigDict(extra="forbid")
    opinion: str | None = Field(None, max_length=2000, description="The clerk's opinion")


class CheckRead(BaseModel):
    """A post-approval check (事后核查); ``due_at`` is the exclusive end, ``due_label``
    the last day as pages write it."""

    model_config = ConfigDict(from_attributes=True)
    id: int
    case_id: int
    case_number: str = ""
    item_code: str
    department_code: str
    scope: str | None
    scope_en: str | None = Field(None, description="What is checked, in English where given")
    limit_days: int = Field(description="Working days from approval")
    scheduled_at: datetime
    due_at: datetime
    state: str = Field(description="scheduled | passed | failed")
    finding: str | None
    checked_by: str | None
    checked_by_en: ClassVar[Any] = english_of("checked_by")
    checked_at: datetime | None
    overdue: bool = False
    due_label: str = ""

    @classmethod
    def of(cls, check: Any, *, overdue: bool, staff: bool = True) -> CheckRead:
        """The check as ``staff`` see it; for the applicant, without the checker's name."""
        read = cls.model_validate(check)
        read.overdue, read.due_label = overdue, timefmt.deadline(check.due_at)
        read.case_number = check.case.number
        if not staff:
            read.checked_by = None
        return read


class DeficiencyRead(BaseModel):
    """An acceptance with deficiencies (容缺受理): what was missing, by when, what is
    still outstanding."""

    model_config = ConfigDict(from_attributes=True)
    state: str = Field(description="open | supplied | missed")
    materials: list[dict[str, Any]]
    outstanding: list[str] = Field(default_factory=list, description="Codes still awaited")
    accepted_at: datetime
    due_at: datetime
    due_label: str = ""
    reminded_at: datetime | None
    closed_at: datetime | None
    notice_document_id: int | None
    conditional: bool = Field(
        False,
        description="The item issues its e-licence at once, marked conditional (附条件), "
        "while the materials are awaited (else it is withheld)",
    )


class LenientRead(BaseModel):
    """How the lenient modes stand for one case."""

    eligible: bool = Field(description="May the case use commitment approval or 容缺受理")
    refusal: str | None = Field(None, description="Why not, in the reader's language")
    commitment: str | None = Field(
        None, description="granted | refused (at acceptance), for a commitment case"
    )
    checks: list[CheckRead] = Field(default_factory=list)
    deficiency: DeficiencyRead | None = None


class DeficiencyLetterRead(BaseModel):
    code: str
    name: str
    text: str = Field(description="The deficiency commitment the applicant signs")
    text_en: str = Field(description="Its English, to read; the text is what is signed")
    sha256: str
    days: int = Field(description="Working days from acceptance to supply the materials")
    materials: list[str] = Field(description="Codes of the materials missing now")


class WindowSignature(BaseModel):
    """The applicant's signature of the deficiency commitment, given at the window."""

    name: str = Field(min_length=1, max_length=60, description="The applicant's name as signed")
    method: Literal["paper", "screen"] = Field(
        description="paper: the printed letter signed by hand; screen: typed on the window's screen"
    )
    confirmed: bool = Field(
        default=False, description="paper: the clerk saw the printed letter signed"
    )
