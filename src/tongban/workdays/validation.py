"""What an official year must contain before it may replace the year in force. Pure.

A year's arrangement (国务院办公厅 节假日安排通知) lists holidays and make-up working days
(调休上班日). It is refused unless:

- every date lies in the year, appears once, and has a name;
- every statutory holiday under the revision of 《全国年节及纪念日放假办法》 governing the
  year (``statute.py``) lies in a holiday period: listed as a holiday, or a weekend day
  joined to listed holidays by other days off (notices often leave such weekends out);
- make-up working days fall on a Saturday or Sunday within a week of a holiday period
  (the farthest in the published years 2004–2026 lies 6 days away).

Every problem is reported at once, in Chinese and English, so one correction suffices.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from tongban.workdays.errors import CalendarError
from tongban.workdays.statute import (
    PROVISIONAL_YEARS,
    StatutoryDay,
    revision_for,
    statutory_days,
)

DayEntry = tuple[date, bool, str]  # (date, is_workday, name)
Problem = tuple[str, str]  # (Chinese, English)

MAKE_UP_REACH = 7  # days between a make-up working day and the nearest holiday, at most
_WEEKDAYS_ZH = "一二三四五六日"
_ONE_DAY = timedelta(days=1)


def check_days(year: int, days: Sequence[DayEntry]) -> None:
    """Refuse an arrangement that is incomplete or surely mistaken, listing every problem."""
    if year not in PROVISIONAL_YEARS:
        first, last = PROVISIONAL_YEARS[0], PROVISIONAL_YEARS[-1]
        raise CalendarError(
            f"只能录入 {first}–{last} 年的节假日安排，{year} 不在其中。",
            f"Arrangements can be entered for {first}–{last}; {year} is outside.",
            field="year",
        )
    problems, arrangement = _entry_problems(year, days)
    problems += _statutory_problems(year, arrangement)
    problems += _make_up_problems(year, arrangement)
    if not problems:
        return
    rule = revision_for(year)
    raise CalendarError(
        f"{year} 年的节假日安排有 {len(problems)} 处需要修改"
        f"（法定假日依《全国年节及纪念日放假办法》{rule.title}）："
        + "；".join(zh for zh, _ in problems),
        f"The {year} arrangement needs {len(problems)} correction(s) (statutory holidays "
        f"as of the {rule.title_en}): " + "; ".join(en for _, en in problems),
        field="days",
        details=[{"message_zh": zh, "message_en": en} for zh, en in problems],
    )


def _entry_problems(
    year: int, days: Sequence[DayEntry]
) -> tuple[list[Problem], dict[date, DayEntry]]:
    """Problems of single entries, and the usable entries by date (first one wins)."""
    problems: list[Problem] = []
    seen: dict[date, DayEntry] = {}
    for entry in days:
        day, is_workday, name = entry
        if not name.strip():
            problems.append((f"{day} 缺少名称", f"{day} has no name"))
        if day.year != year:
            problems.append(
                (
                    f"{day}（{name}）不在 {year} 年内；只填写本年的日期，跨年的放假日请放进对应年份",
                    f"{day} ({name}) is not in {year}; list each date under its own year",
                )
            )
            continue
        if day in seen:
            problems.append(
                (
                    f"{day} 重复出现（{seen[day][2]}、{name}）；每个日期只能出现一次，请删掉一条",
                    f"{day} appears twice ({seen[day][2]}, {name}); keep one entry",
                )
            )
            continue
        if is_workday and day.weekday() < 5:
            problems.append(
                (
                    f"{day}（{name}）是星期{_WEEKDAYS_ZH[day.weekday()]}，本来就上班；"
                    "调休上班日应在周六或周日，是否应放在 holidays 下？",
                    f"{day} ({name}) is a {day:%A}, already a working day; make-up working "
                    "days fall on a weekend. Should it be under holidays?",
                )
            )
        seen[day] = entry
    return problems, seen


def _statutory_problems(year: int, arrangement: dict[date, DayEntry]) -> list[Problem]:
    problems: list[Problem] = []
    for statutory in statutory_days(year):
        entry = arrangement.get(statutory.day)
        if entry is not None and entry[1]:
            problems.append(_listed_as_workday(statutory, entry[2]))
        elif not _in_holiday_period(statutory.day, arrangement):
            problems.append(_missing(statutory))
    return problems


def _missing(statutory: StatutoryDay) -> Problem:
    return (
        f"缺少{statutory.holiday}法定假日 {statutory.day}（{statutory.which}）",
        f"Missing statutory holiday {statutory.day} ({statutory.holiday_en}, {statutory.which_en})",
    )


def _listed_as_workday(statutory: StatutoryDay, name: str) -> Problem:
    return (
        f"{statutory.day}（{name}）是{statutory.holiday}法定假日（{statutory.which}），"
        "不能列为调休上班日",
        f"{statutory.day} ({name}) is a statutory holiday ({statutory.holiday_en}, "
        f"{statutory.which_en}) and cannot be a make-up working day",
    )


def _is_day_off(day: date, arrangement: dict[date, DayEntry]) -> bool:
    entry = arrangement.get(day)
    return not entry[1] if entry is not None else day.weekday() >= 5


def _is_listed_holiday(day: date, arrangement: dict[date, DayEntry]) -> bool:
    entry = arrangement.get(day)
    return entry is not None and not entry[1]


def _in_holiday_period(day: date, arrangement: dict[date, DayEntry]) -> bool:
    """Whether `day` is off and joined by days off to a listed holiday (or is one)."""
    if not _is_day_off(day, arrangement):
        return False
    for step in (-_ONE_DAY, _ONE_DAY):
        cursor = day
        while cursor.year == day.year and _is_day_off(cursor, arrangement):
            if _is_listed_holiday(cursor, arrangement):
                return True
            cursor += step
    return False


def _make_up_problems(year: int, arrangement: dict[date, DayEntry]) -> list[Problem]:
    # A late-December make-up day may pay for the next 元旦.
    holidays = [d for d, (_, is_workday, _) in arrangement.items() if not is_workday]
    holidays.append(date(year + 1, 1, 1))
    problems: list[Problem] = []
    for day, (_, is_workday, name) in sorted(arrangement.items()):
        if not is_workday or day.weekday() < 5:
            continue  # weekday make-up days are reported with the entry
        if min(abs((day - holiday).days) for holiday in holidays) > MAKE_UP_REACH:
            problems.append(
                (
                    f"{day}（{name}）离最近的放假日超过 {MAKE_UP_REACH} 天；"
                    "调休上班日应紧挨放假期间，请核对日期",
                    f"{day} ({name}) is more than {MAKE_UP_REACH} days from any holiday; "
                    "make-up working days adjoin a holiday period. Check the date",
                )
            )
    return problems
