"""The statutory holidays (法定节假日) of a year, by the revision of 《全国年节及纪念日放假办法》
in force that year. Pure: no database.

Both the provisional rule for unpublished years and the check of an entered year use
:func:`statutory_days`, so the two can never disagree.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from lunardate import LunarDate

PROVISIONAL_YEARS = range(2001, 2100)  # where the Qingming formula and lunardate both hold
_LUNAR_DAY = {-1: "除夕", 0: "正月初一", 1: "正月初二", 2: "正月初三"}
_LUNAR_DAY_EN = {
    -1: "lunar New Year's Eve",
    0: "1st day of the 1st lunar month",
    1: "2nd day of the 1st lunar month",
    2: "3rd day of the 1st lunar month",
}


@dataclass(frozen=True)
class Revision:
    """One version of the statute: which days of each festival are holidays."""

    first_year: int  # the first calendar year it governs
    title: str
    title_en: str
    spring: tuple[int, ...]  # days of 春节 as offsets from 正月初一 (-1: 除夕)
    labour_days: int  # 劳动节 from 1 May
    traditional: bool  # 清明, 端午 and 中秋 are holidays


REVISIONS = (
    Revision(1999, "1999年修订", "1999 revision", (0, 1, 2), labour_days=3, traditional=False),
    Revision(2008, "2007年修订", "2007 revision", (-1, 0, 1), labour_days=1, traditional=True),
    Revision(2014, "2013年修订", "2013 revision", (0, 1, 2), labour_days=1, traditional=True),
    Revision(
        2025,
        "2024年修订，国务院令第795号",
        "2024 revision, State Council Decree No. 795",
        (-1, 0, 1, 2),
        labour_days=2,
        traditional=True,
    ),
)


@dataclass(frozen=True)
class StatutoryDay:
    """One statutory holiday: its date, the festival, and which day of it (for messages)."""

    day: date
    holiday: str  # 元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆节
    holiday_en: str
    which: str  # 正月初一, 5月2日 …
    which_en: str


def revision_for(year: int) -> Revision:
    """The revision of the statute that governs the holidays of `year`."""
    governing = [r for r in REVISIONS if r.first_year <= year]
    return governing[-1] if governing else REVISIONS[0]


def qingming(year: int) -> date:
    """清明 by the solar-term formula [Y*D+C]-L, valid for 2001–2099."""
    if year not in PROVISIONAL_YEARS:
        raise ValueError(f"no Qingming formula for {year}; supported 2001–2099")
    y = year % 100
    return date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


def _lunar(year: int, month: int, day: int) -> date:
    solar: date = LunarDate(year, month, day).to_solar_date()
    return solar


def _solar(day: date, holiday: str, holiday_en: str) -> StatutoryDay:
    return StatutoryDay(
        day, holiday, holiday_en, f"{day.month}月{day.day}日", f"{day:%B} {day.day}"
    )


@functools.lru_cache(maxsize=64)
def statutory_days(year: int) -> tuple[StatutoryDay, ...]:
    """Every statutory holiday of `year`, in the statute's order (a date may appear twice)."""
    rule = revision_for(year)
    spring = _lunar(year, 1, 1)
    days = [_solar(date(year, 1, 1), "元旦", "New Year's Day")]
    days += [
        StatutoryDay(spring + timedelta(days=k), "春节", "Spring Festival", _LUNAR_DAY[k], en)
        for k, en in _LUNAR_DAY_EN.items()
        if k in rule.spring
    ]
    if rule.traditional:
        days.append(StatutoryDay(qingming(year), "清明", "Qingming", "清明节气", "Qingming term"))
    days += [
        _solar(date(year, 5, k), "劳动节", "Labour Day") for k in range(1, 1 + rule.labour_days)
    ]
    if rule.traditional:
        days += [
            StatutoryDay(_lunar(year, 5, 5), "端午", "Dragon Boat", "农历五月初五", "lunar 5/5"),
            StatutoryDay(_lunar(year, 8, 15), "中秋", "Mid-Autumn", "农历八月十五", "lunar 8/15"),
        ]
    days += [_solar(date(year, 10, k), "国庆节", "National Day") for k in (1, 2, 3)]
    return tuple(days)


@functools.lru_cache(maxsize=64)
def _named(year: int) -> dict[date, str]:
    names: dict[date, str] = {}
    for entry in statutory_days(year):
        # 中秋 can fall inside 国庆; keep both names rather than lose one.
        known = names.get(entry.day)
        names[entry.day] = f"{known}、{entry.holiday}" if known else entry.holiday
    return names


def statutory_holiday(day: date) -> str | None:
    """The name of the statutory holiday on `day`, if it is one."""
    return _named(day.year).get(day)


def statutory_holidays(year: int) -> dict[date, str]:
    """The statutory holidays of a year under the revision in force, without make-up days."""
    return dict(_named(year))
