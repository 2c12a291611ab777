"""API bodies of the holiday calendar."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from tongban.workdays.enums import CalendarYearStatus


class YearRead(BaseModel):
    year: int
    status: CalendarYearStatus
    source: str


class DayWrite(BaseModel):
    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422
    date: date
    is_workday: bool = Field(description="true: make-up working day; false: holiday")
    name: str = Field(min_length=1, max_length=60)


class YearProposal(BaseModel):
    """A year's complete official arrangement: every holiday and make-up working day."""

    model_config = ConfigDict(extra="forbid")  # an unknown field is a mistake: 422

    source: str = Field(
        min_length=1, max_length=200, description="e.g. 国务院办公厅通知 国办发明电〔2026〕X号"
    )
    days: list[DayWrite] = Field(min_length=1, max_length=366)

    def entries(self) -> list[tuple[date, bool, str]]:
        return [(day.date, day.is_workday, day.name) for day in self.days]


class YearWrite(YearProposal):
    confirm: str | None = Field(
        default=None,
        max_length=64,
        description="The `confirm` code of a preview of this very change "
        "(POST /calendar/years/{year}/preview); without it nothing is replaced.",
    )


class DayChangeRead(BaseModel):
    date: date
    is_workday: bool = Field(description="after the replacement")
    name: str


class DeadlineMoveRead(BaseModel):
    case_number: str
    clock: str = Field(description="stage, promised, legal or acceptance")
    unit: str = Field(description="working_days, calendar_days (日), or hours (office hours)")
    old_due_at: datetime
    new_due_at: datetime


class YearChangeRead(BaseModel):
    """What replacing a year changes (preview) or changed (after PUT)."""

    year: int
    previous_status: CalendarYearStatus
    previous_source: str | None
    day_changes: list[DayChangeRead]
    moves: list[DeadlineMoveRead]
    cases_moved: list[str]
    cases_confirmed: list[str] = Field(
        description="provisional deadlines that become official without moving (no message)"
    )
    messages: int = Field(description="applicants told that a deadline moved")
    confirm: str = Field(description="send with PUT to carry out exactly this change")


class YearWritten(YearRead):
    cases_recomputed: int = Field(description="cases whose deadlines moved")
    change: YearChangeRead
