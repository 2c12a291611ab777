"""Questions about when a service hall is open (政务中心几点下班, 大厅几点开门, "what time
does the hall open"), answered from ``halls.yaml``: the halls the question names (by their
division: 鼓楼 for 鼓楼区政务服务中心), else the hall whose kiosk it is asked at, else every
hall, each with its opening hours and address; asked of a service (开餐馆要什么材料, then
"那几点下班"), the halls its guide's places name. Plain word lists, as :mod:`reading`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from tongban.assistant import text
from tongban.identifiers.divisions import division

# Words that ask when a place is open (simplified characters), whatever it names.
HOURS_WORDS = (
    "几点上班",
    "几点下班",
    "几点开门",
    "几点关门",
    "上班时间",
    "下班时间",
    "营业时间",
    "办公时间",
    "开放时间",
    "工作时间",
    "午休",
)
# Words that ask when, said of a hall ("大厅周末开吗", "政务中心几点"): too loose alone.
WHEN_WORDS = (*HOURS_WORDS, "几点", "什么时候开", "开门", "关门", "中午休息", "周末", "节假日")
# Words that name a hall rather than a service.
HALL_WORDS = ("政务中心", "服务中心", "办事大厅", "服务大厅", "大厅")
# "what time does it close": the verb asks when too, as 几点关门 does (alone, "close" is
# the closing of a business)
HOURS_EN = re.compile(
    r"\b(?:what time(?:\s+\w+){0,3}?\s+(?:opens?|closes?|shuts?)|what time|"
    r"opening (?:hours|times)|office hours|business hours)\b",
    re.IGNORECASE,
)
WHEN_EN = re.compile(r"\b(?:what time|hours|when|opens?|closes?|closing|weekends?)\b")
HALL_EN = re.compile(r"\b(?:halls?|service (?:center|centre)s?|government (?:center|centre)s?)\b")


def _has(question: str, words: Sequence[str], english: re.Pattern[str]) -> bool:
    simple = text.simplify(question)
    return any(word in simple for word in words) or bool(english.search(simple.lower()))


def asks_hours(question: str) -> bool:
    """Whether ``question`` asks for opening hours in words that say so alone ("几点下班",
    "营业时间", "opening hours"), whatever it names."""
    return _has(question, HOURS_WORDS, HOURS_EN)


def asks_hall_hours(question: str) -> bool:
    """Whether ``question`` names a service hall ("政务中心", "大厅", "the hall") and asks
    when ("几点", "开门", "周末", "when does … open")."""
    return _has(question, HALL_WORDS, HALL_EN) and _has(question, WHEN_WORDS, WHEN_EN)


def without_hours(question: str) -> str:
    """``question`` (simplified) without the words that ask for opening hours ("那里几点开门"
    → "那里 "): left to name a service, they would name another ("开门", "关门": opening or
    closing a business)."""
    simple = text.simplify(question)
    for word in HOURS_WORDS:
        simple = simple.replace(word, " ")
    return HOURS_EN.sub(" ", simple)


def handling_halls(
    halls: Sequence[Mapping[str, Any]],
    items: Sequence[Mapping[str, Any]],
    windows: Mapping[str, str | None],
) -> list[Mapping[str, Any]]:
    """The halls, in ``halls.yaml``'s order, that the places of a service's guide name (办理
    地点: an item's ``window``, else its department's, of ``windows`` by department code:
    "福州市行政服务中心(鼓楼区乌山西路318号)四楼城管窗口"); none for a service handled
    elsewhere (a township's service centre, a hospital)."""
    places = [item.get("window") or windows.get(item["department"]) or "" for item in items]
    return [hall for hall in halls if any(hall["name"] in place for place in places)]


def _division_names(hall: Mapping[str, Any]) -> list[str]:
    """What people call the hall's division: its name, and without 市/区/县 (福州, 鼓楼)."""
    found = division(str(hall["division"]))
    if found is None:
        return []
    short = found.name.rstrip("市区县")
    return [found.name, short] if len(short) >= 2 else [found.name]


def relevant_halls(
    halls: Sequence[Mapping[str, Any]], question: str, kiosk: str | None
) -> list[Mapping[str, Any]]:
    """The halls a question about opening hours is about: those whose name or division it
    names (the most specific: 鼓楼区 before 福州市, which holds it), else the hall of the
    kiosk it is asked at, else all of them."""
    simple = text.simplify(question)
    named = [
        h for h in halls if h["name"] in simple or any(n in simple for n in _division_names(h))
    ]
    if named:
        longest = max(len(str(h["division"]).rstrip("0")) for h in named)
        return [h for h in named if len(str(h["division"]).rstrip("0")) == longest]
    at_kiosk = [h for h in halls if h["code"] == kiosk]
    return at_kiosk or list(halls)
