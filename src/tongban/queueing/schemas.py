"""API shapes of halls, slots and tickets."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from tongban.queueing.models import TicketState
from tongban.web.validation import shaped


class WindowRead(BaseModel):
    code: str
    name: str
    name_en: str | None = Field(None, description="The window's name on English pages")
    serves: list[str] = Field(description='Department codes, or ["all"] (综合窗口)')


class HallRead(BaseModel):
    code: str
    division: str = Field(description="GB/T 2260 administrative division code")
    name: str
    name_en: str | None = None
    address: str
    address_en: str | None = None
    slot_minutes: int
    windows: list[WindowRead]


class SlotRead(BaseModel):
    starts: str = Field(description="Local start time, HH:MM")
    capacity: int
    left: int
    past: bool


class BookingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hall_code: str = Field(max_length=20)
    item_code: str = Field(max_length=40)
    day: date
    starts: str = Field(max_length=5, description="A slot's local start time, HH:MM")


class HallTicketCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    item_code: str = Field(max_length=40)


class CheckIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        min_length=6,
        max_length=6,
        title="签到码",
        pattern=shaped(r"^[0-9]{6}$", "预约时得到的 6 位数字签到码", "the 6-digit check-in code"),
    )


class TicketRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    hall_code: str
    day: date
    number: str
    code: str | None = Field(None, description="Check-in code: only to its holder")
    item_code: str
    item_name: str = Field("", description="The item's name (Chinese)")
    item_name_en: str | None = Field(None, description="Its name in English, if any")
    slot_starts: str | None = Field(
        None,
        description="A booked ticket's slot start (hall's local time, HH:MM); null for a "
        "ticket taken at the hall",
    )
    department_code: str
    state: TicketState
    queued_at: datetime | None
    called_at: datetime | None
    window_code: str | None
    window_name: str | None = Field(None, description="The calling window's name (called)")
    window_name_en: str | None = Field(None, description="Its name in English, if any")
    ahead: int = Field(0, description="Waiting tickets ahead of this one")
    wait_minutes: int = Field(0, description="Estimated minutes until called")
    called_from: str | None = Field(
        None,
        description="A booked ticket checked in before its slot is called from the slot's "
        "start (hall's local time, HH:MM); null otherwise",
    )


class CallRead(BaseModel):
    """A call on the hall display: ticket number → window (its code and name); ``missed``
    once the window marked it 过号 (it did not come), no longer being called."""

    number: str
    window_code: str | None
    window_name: str | None = None
    window_name_en: str | None = None
    called_at: datetime | None
    missed: bool = False
