"""Ranking of catalog entries for plain Chinese queries.

Chinese has no spaces, so beyond whole-substring matches the query is compared by
character bigrams: "开个餐馆" still finds "我要开餐馆" through "开餐"/"餐馆".
"""

from __future__ import annotations

from collections.abc import Sequence

from tongban.catalog.models import CatalogEntry

_texts: dict[tuple[str, int], dict[str, str]] = {}


def invalidate() -> None:
    """Forget cached texts after the catalog changed."""
    _texts.clear()


def _bigrams(text: str) -> set[str]:
    cleaned = "".join(text.split()).lower()
    if len(cleaned) < 2:
        return {cleaned} if cleaned else set()
    return {cleaned[i : i + 2] for i in range(len(cleaned) - 1)}


def _fields(entry: CatalogEntry, departments: dict[str, str]) -> dict[str, str]:
    assert entry.current_version is not None
    key = (entry.code, entry.current_version.id)
    if key not in _texts:
        definition = entry.current_version.definition
        source = definition.get("bundle") or definition["items"][0]
        _texts[key] = {
            "name": f"{definition['name']} {definition.get('name_en') or ''}".lower(),
            "keywords": " ".join(source.get("keywords", [])).lower(),
            "code": entry.code.lower(),
            "summary": (source.get("summary") or "").lower(),
            "department": departments.get(entry.department_code, ""),
        }
    return _texts[key]


WEIGHTS = {"name": 100, "code": 90, "keywords": 80, "department": 30, "summary": 20}


# Words people add around what they want ("我想办个餐馆怎么办"): dropped before matching.
FILLERS = ("怎么办", "怎么", "如何", "我想", "我要", "办理", "申请", "一个", "个", "的", "了")


def _core(query: str) -> str:
    needle = "".join(query.split()).lower()
    for filler in FILLERS:
        stripped = needle.replace(filler, "")
        needle = stripped if len(stripped) >= 2 else needle
    return needle


def score(query: str, fields: dict[str, str]) -> float:
    needle = _core(query)
    if not needle:
        return 0.0
    best = 0.0
    grams = _bigrams(needle)
    for name, weight in WEIGHTS.items():
        text = fields[name]
        if needle in text.replace(" ", "") or any(
            word and word in text for word in query.lower().split()
        ):
            best = max(best, float(weight))
        elif grams and name != "code":  # codes match whole or not at all
            shared = len(grams & _bigrams(text)) / len(grams)
            if shared >= 0.5:
                best = max(best, weight * 0.6 * shared)
    return best


def rank(query: str, entries: Sequence[CatalogEntry], departments: dict[str, str]) -> list[str]:
    """Codes of matching entries, best first (ties: bundles first, then by code)."""
    scored = []
    for entry in entries:
        value = score(query, _fields(entry, departments))
        if value > 0:
            scored.append((-value, entry.kind != "bundle", entry.code))
    return [code for _, _, code in sorted(scored)]
