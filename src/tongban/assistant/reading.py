"""What a question asks, read from its words: which part of a guide (materials, fees, time
limit, place, conditions), whether it is about the person's own case, and which FAQ entry
of a guide it repeats. Plain word lists, no model: each list is what people type for it, in
Chinese and in English (English words matched whole: "fee" is not in "coffee")."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from tongban.assistant import text
from tongban.assistant.enums import Aspect

# The words that ask for one part of a guide, in simplified characters.
ASPECT_WORDS: dict[Aspect, tuple[str, ...]] = {
    Aspect.materials: (
        "材料",
        "资料",
        "带什么",
        "带哪些",
        "准备什么",
        "提交什么",
        "证件",
        "交什么",
    ),
    Aspect.fees: ("多少钱", "收费", "费用", "要钱", "花多少", "免费", "交钱", "收钱"),
    Aspect.time_limit: ("多久", "多长时间", "几天", "时限", "多少天", "几个工作日", "多快"),
    Aspect.place: ("在哪", "哪里办", "去哪", "地址", "窗口", "电话", "地点", "哪个部门"),
    Aspect.conditions: ("条件", "要求", "资格", "符合", "能不能办", "可以办吗"),
}

# The English words that ask for one part of a guide.
ASPECT_WORDS_EN: dict[Aspect, tuple[str, ...]] = {
    Aspect.materials: ("documents", "materials", "bring", "papers to bring", "submit"),
    Aspect.fees: ("how much", "fee", "fees", "cost", "costs", "price", "charge", "free"),
    Aspect.time_limit: ("how long", "how many days", "time limit", "deadline", "how soon"),
    Aspect.place: ("where", "address", "office", "window", "phone number", "telephone"),
    Aspect.conditions: ("conditions", "requirements", "eligible", "eligibility", "qualify"),
}

# The words that ask where one's own case is (我的营业执照办到哪了).
CASE_WORDS = (
    "办到哪",
    "到哪了",
    "到哪一步",
    "进度",
    "进展",
    "办好了没",
    "办好没",
    "办完了没",
    "批下来",
    "审核到",
    "审批到",
    "我的办件",
    "我的申请",
)
CASE_WORDS_EN = ("my application", "my case", "my cases", "application status", "progress")


def _english(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b")


_ASPECT_EN = {aspect: _english(words) for aspect, words in ASPECT_WORDS_EN.items()}
_CASE_EN = _english(CASE_WORDS_EN)


def aspect_of(question: str) -> Aspect | None:
    """The part of a guide ``question`` asks for, or None."""
    simple = text.simplify(question)
    for aspect, words in ASPECT_WORDS.items():
        if any(word in simple for word in words) or _ASPECT_EN[aspect].search(simple):
            return aspect
    return None


def without_aspect(question: str) -> str:
    """``question`` without the words that ask for a part ("开药店要什么材料" → "开药店要什么")."""
    simple = text.simplify(question)
    for words in ASPECT_WORDS.values():
        for word in words:
            simple = simple.replace(word, " ")
    for pattern in _ASPECT_EN.values():
        simple = pattern.sub(" ", simple)
    return simple


def asks_about_own_case(question: str) -> bool:
    """Whether ``question`` asks where the person's own case is."""
    simple = text.simplify(question)
    return any(word in simple for word in CASE_WORDS) or bool(_CASE_EN.search(simple))


# A case number as people copy it: the digits (division, date, serial: 21 of them), with
# or without a few letters before them ("TB3501…").
_CASE_NUMBER = re.compile(r"(?<![0-9])(?:[a-z]{1,4})?([0-9]{12,})(?![0-9])", re.IGNORECASE)


def case_numbers(question: str) -> set[str]:
    """The case numbers ``question`` names, as digits ("TB350100…" → "350100…")."""
    return set(_CASE_NUMBER.findall(text.simplify(question)))


def without_case_words(question: str) -> str:
    """``question`` without the words that ask for progress ("我的营业执照办到哪了" → the licence)."""
    simple = text.simplify(question)
    for word in (*CASE_WORDS, "我的"):
        simple = simple.replace(word, " ")
    return _CASE_EN.sub(" ", simple)


FAQ_OVERLAP = 0.5  # the share of an FAQ question's tokens the question must hold


def _overlap(asked: set[str], own: set[str]) -> float:
    return len(own & asked) / len(own) if own else 0.0


def matching_faq(question: str, faq: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The FAQ entries whose question (``q``, or its English ``q_en``) ``question``
    repeats, closest first."""
    asked = set(text.tokens(question))
    scored = []
    for index, entry in enumerate(faq):
        chinese = _overlap(asked, set(text.tokens(entry["q"])))
        overlap = max(chinese, _overlap(asked, set(text.english_tokens(entry.get("q_en") or ""))))
        if overlap >= FAQ_OVERLAP:
            scored.append((-overlap, index, entry))
    return [entry for *_, entry in sorted(scored, key=lambda row: row[:2])]
