"""Service halls (政务服务大厅) and their windows as catalog data: ``halls.yaml``.

A hall declares its opening hours (``hours``: local periods on working days of the
official calendar, closed on rest days and statutory holidays), its bookable slots (local
start times on working days, each within one period of the hours; their length and how
many tickets each window takes per slot) and its windows, each serving the items of some
departments or all of them (综合窗口, 无差别受理). Read by ``tongban.queueing``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from typing import Any

from tongban.catalog.yamlsource import Problem, SourceDocument

FILE = "halls.yaml"
ALL = "all"  # a window that serves every department: 综合受理窗口


def hall_problems(doc: SourceDocument, departments: set[str]) -> list[Problem]:
    """Problems of a schema-valid ``halls.yaml`` beyond its schema: unknown departments,
    duplicate hall or window codes, opening hours out of order, slots outside them."""
    found = []
    halls: set[str] = set()
    for index, hall in enumerate(doc.data["halls"]):
        if hall["code"] in halls:
            found.append(doc.problem(["halls", index, "code"], f"大厅代码 {hall['code']} 重复"))
        halls.add(hall["code"])
        found += _hours_problems(doc, index, hall)
        windows: set[str] = set()
        for position, window in enumerate(hall["windows"]):
            place: list[str | int] = ["halls", index, "windows", position]
            if window["code"] in windows:
                found.append(doc.problem([*place, "code"], f"窗口代码 {window['code']} 重复"))
            windows.add(window["code"])
            for code in window["serves"]:
                if code != ALL and code not in departments:
                    found.append(doc.problem([*place, "serves"], f"未知部门代码 {code}"))
    return found


def periods(hall: Mapping[str, Any]) -> list[tuple[time, time]]:
    """The hall's opening periods on a working day, as local (opens, closes) times."""
    return [
        (time.fromisoformat(p["opens"]), time.fromisoformat(p["closes"])) for p in hall["hours"]
    ]


def hours_text(hall: Mapping[str, Any], separator: str = "、") -> str:
    """The opening hours as a notice reads them: "09:00–12:00、14:00–17:00"."""
    return separator.join(f"{p['opens']}–{p['closes']}" for p in hall["hours"])


def _hours_problems(doc: SourceDocument, index: int, hall: Mapping[str, Any]) -> list[Problem]:
    """Periods that close before they open or overlap the one before, and slots that do
    not lie within one period (begin at or after opening, end by closing)."""
    found = []
    place: list[str | int] = ["halls", index]
    closed = time.min
    for at, (opens, closes) in enumerate(periods(hall)):
        period = f"{opens:%H:%M}–{closes:%H:%M}"
        if closes <= opens:
            found.append(
                doc.problem([*place, "hours", at], f"开放时间 {period} 的关门时间须晚于开门时间")
            )
        elif opens < closed:
            found.append(
                doc.problem([*place, "hours", at], f"开放时间 {period} 与前一段重叠或顺序颠倒")
            )
        closed = max(closed, closes)
    if found:
        return found
    length, open_periods = timedelta(minutes=hall["slot_minutes"]), periods(hall)
    for at, starts in enumerate(hall["slots"]):
        if not _within(open_periods, time.fromisoformat(starts), length):
            found.append(
                doc.problem(
                    [*place, "slots", at],
                    f"{hall['name']}（{hall['code']}）的时段 {starts} 不在开放时间 "
                    f"{hours_text(hall)} 内：时段须在开门后开始、关门前结束",
                )
            )
    return found


def _within(hours: Sequence[tuple[time, time]], starts: time, length: timedelta) -> bool:
    day = datetime.min
    begins = datetime.combine(day, starts)
    return any(
        datetime.combine(day, opens) <= begins and begins + length <= datetime.combine(day, closes)
        for opens, closes in hours
    )
