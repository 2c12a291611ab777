"""The halls and windows of ``halls.yaml`` as queue tickets (排号) see them: which window
takes which department's items, when a slot begins and when the hall is open (local time,
``Settings.timezone``; opening hours on working days of the calendar in force).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from tongban.cases.core.clocks import calendar
from tongban.catalog import service as catalog
from tongban.catalog.halls import ALL, periods
from tongban.config import get_settings
from tongban.errors import InvalidInput, NotFound
from tongban.workdays.calendar import WorkCalendar


def _zone() -> ZoneInfo:
    return ZoneInfo(get_settings().timezone)


def halls(session: Session) -> list[dict[str, Any]]:
    """Every service hall of ``halls.yaml``, in its order."""
    return list(catalog.list_halls(session).values())


def hall_of(session: Session, code: str) -> dict[str, Any]:
    """The hall ``code`` of ``halls.yaml``; raises ``NotFound``."""
    hall = catalog.list_halls(session).get(code)
    if hall is None:
        raise NotFound(f"没有代码为 {code} 的办事大厅。", f"No service hall {code}.")
    return hall


def windows_for(hall: dict[str, Any], department: str) -> list[dict[str, Any]]:
    """The hall's windows that take items of ``department``."""
    return [w for w in hall["windows"] if ALL in w["serves"] or department in w["serves"]]


def window_of(hall: dict[str, Any], code: str | None) -> dict[str, Any] | None:
    """The window ``code`` of ``hall`` (its ``name`` and ``name_en``), if it has one."""
    return next((w for w in hall["windows"] if w["code"] == code), None)


def department_of(session: Session, hall: dict[str, Any], item_code: str) -> str:
    """The department of a published item, if a window of ``hall`` takes it; raises
    ``NotFound`` (item) or ``InvalidInput`` (no window)."""
    spec = catalog.get_entry(session, code=item_code).current_version
    assert spec is not None
    department = str(spec.definition["department"])
    if not windows_for(hall, department):
        raise InvalidInput(
            f"{hall['name']}没有办理该事项的窗口，请选择其他大厅。",
            f"{hall.get('name_en') or hall['name']} has no window for this item; choose "
            "another hall.",
            field="item_code",
        )
    return department


def slot_start(hall: dict[str, Any], day: date, starts: str) -> datetime:
    """When slot ``starts`` (local HH:MM) of ``day`` begins, as an aware datetime."""
    return datetime.combine(day, time.fromisoformat(starts), tzinfo=_zone())


def is_open(hall: dict[str, Any], cal: WorkCalendar, moment: datetime) -> bool:
    """Whether ``hall`` is open at ``moment``: a working day of ``cal`` (make-up working
    days included, holidays not) and within one period of its ``hours``, closing excluded."""
    day = cal.local_date(moment)
    local = moment.astimezone(_zone()).time()
    return cal.is_workday(day) and any(opens <= local < closes for opens, closes in periods(hall))


@dataclass(frozen=True)
class Opening:
    """How a hall is open at a moment: ``workday``, its day is a working day of the
    calendar (its ``hours`` apply; closed on rest days and holidays), and ``open_now``,
    within one of those periods (:func:`is_open`)."""

    workday: bool
    open_now: bool


def opening(session: Session, hall: dict[str, Any], now: datetime) -> Opening:
    """Whether ``hall`` opens on the local day of ``now`` and is open at ``now`` (the
    calendar in force)."""
    cal = calendar(session)
    return Opening(cal.is_workday(cal.local_date(now)), is_open(hall, cal, now))
