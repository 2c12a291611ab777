"""Ranking of catalog entries for the way people type: Chinese words, codes and pinyin.

Chinese has no spaces, so beyond whole-substring matches the query is compared by
character bigrams: "开个餐馆" still finds "我要开餐馆" through "开餐"/"餐馆". People who
type pinyin ("sydj", "shiye") are matched against the spellings of names and keywords.
English is indexed as Chinese is, by its own rules: the English names (the entry's, and
an item's result's: "Business licence"), ``synonyms_en``, ``summary_en`` and the
department's English name, matched word by word (:func:`english_score`), so that the name
that holds every word asked and few others comes first. Tiers come first, then the
score: the exact code, then Chinese or English words, then pinyin. The texts of each
entry version, spellings included, are computed once per process: at server start-up in a background thread (:func:`prepare`), so that the first
search does not wait for pypinyin's dictionaries.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import structlog

from tongban.catalog import pinyin
from tongban.catalog.models import CatalogEntry
from tongban.textutil import fold


class Tier(IntEnum):
    exact_code = 0
    words = 1
    pinyin = 2


@dataclass(frozen=True)
class Texts:
    """What one version of an entry is searched by, computed once per version."""

    fields: dict[str, str]
    spellings: dict[str, tuple[pinyin.Spelling, ...]]


_texts: dict[tuple[str, int, str], Texts] = {}
_HAN = re.compile(r"[\u3400-\u9fff]")
log = structlog.get_logger("tongban.catalog")


def invalidate() -> None:
    """Forget cached texts after the catalog changed."""
    _texts.clear()


def _bigrams(text: str) -> set[str]:
    cleaned = "".join(text.split()).lower()
    if len(cleaned) < 2:
        return {cleaned} if cleaned else set()
    return {cleaned[i : i + 2] for i in range(len(cleaned) - 1)}


# What the texts of one entry version are computed from, read while its session is open:
# its key in ``_texts``, its definition and its department's name.
_Source = tuple[tuple[str, int, str], dict[str, Any], str]


def _source(entry: CatalogEntry, departments: dict[str, str]) -> _Source:
    version = entry.current_version
    assert version is not None
    key = (entry.code, version.id, version.content_hash)
    return key, version.definition, departments.get(entry.department_code, "")


def _texts_of(entry: CatalogEntry, departments: dict[str, str]) -> Texts:
    key, definition, department = _source(entry, departments)
    if key not in _texts:
        _texts[key] = _computed(key[0], definition, department)
    return _texts[key]


def _computed(code: str, definition: dict[str, Any], department: str) -> Texts:
    source = definition.get("bundle") or definition["items"][0]
    keywords = source.get("keywords", [])
    result = {} if "bundle" in definition else source.get("result") or {}
    names_en = [definition.get("name_en"), result.get("name_en")]
    fields = {
        "name": fold(f"{definition['name']} {definition.get('name_en') or ''}"),
        "keywords": fold(" ".join(keywords)),
        "code": fold(code),
        "summary": fold(source.get("summary") or ""),
        "department": fold(department),
        "synonyms": SEPARATOR.join(fold(phrase) for phrase in source.get("synonyms", [])),
        "names_en": SEPARATOR.join(fold(name) for name in names_en if name),
        "synonyms_en": SEPARATOR.join(fold(p) for p in source.get("synonyms_en", [])),
        "summary_en": fold(source.get("summary_en") or ""),
    }
    spellings = {
        "name": (pinyin.spell(fold(definition["name"])),),
        "keywords": tuple(pinyin.spell(fold(keyword)) for keyword in keywords),
    }
    return Texts(fields, spellings)


def prepare(entries: Sequence[CatalogEntry], departments: dict[str, str]) -> threading.Thread:
    """Start computing the texts of ``entries`` not held yet in a background thread (at
    server start-up), which it returns: their pinyin spellings load pypinyin's
    dictionaries (seconds), which the first search would otherwise wait for. What the
    thread needs is read here, in the caller's session. A fault is logged; the first
    search then computes what is missing."""
    sources = (_source(entry, departments) for entry in entries)
    missing = [source for source in sources if source[0] not in _texts]
    thread = threading.Thread(
        target=_compute_all, args=(missing,), name="catalog-search-texts", daemon=True
    )
    thread.start()
    return thread


def _compute_all(sources: Sequence[_Source]) -> None:
    try:
        for key, definition, department in sources:
            _texts[key] = _computed(key[0], definition, department)
    except Exception:  # a fault in the catalog text: the first search meets it again
        log.exception("catalog.search_texts_failed")


WEIGHTS = {"name": 100, "code": 90, "keywords": 80, "department": 30, "summary": 20}
SYNONYM_WEIGHT = 95  # a phrase people use for the entry (catalog ``synonyms``), inside the question
SEPARATOR = "|"


# Words people add around what they want ("我想办个餐馆怎么办"): dropped before matching;
# 个 only as a measure word, not the 个 of 个体户 or 个人.
FILLERS = (
    "怎么办",
    "怎么",
    "如何",
    "我想",
    "我要",
    "办理",
    "申请",
    "一个",
    "个(?![体人])",
    "的",
    "了",
)


def _core(query: str) -> str:
    needle = "".join(query.split()).lower()
    for filler in FILLERS:
        stripped = re.sub(filler, "", needle)
        needle = stripped if len(stripped) >= 2 else needle
    return needle


def _contains(name: str, text: str, needle: str, words: list[str]) -> bool:
    """Chinese and codes match anywhere; Latin letters only at the start of a word, so
    that "db" (低保 in pinyin) does not hit "food business"."""
    if name == "code" or _HAN.search(needle):
        return needle in text.replace(" ", "") or any(word in text for word in words)
    return any(re.search(rf"(?<![a-z0-9]){re.escape(word)}", text) for word in words)


def score(query: str, fields: dict[str, str]) -> float:
    """How well the words of ``query`` match an entry's texts (0 when they do not):
    Chinese by substrings and bigrams, Latin letters by :func:`english_score`."""
    needle = _core(query)
    if not needle:
        return 0.0
    if not _HAN.search(needle):
        return english_score(query, fields)
    best = 0.0
    words = query.lower().split()
    grams = _bigrams(needle)
    if synonym_hit(query, fields.get("synonyms", "")):
        best = float(SYNONYM_WEIGHT)
    for name, weight in WEIGHTS.items():
        text = fields[name]
        if _contains(name, text, needle, words):
            best = max(best, float(weight))
        elif grams and name != "code":  # codes match whole or not at all
            shared = len(grams & _bigrams(text)) / len(grams)
            if shared >= 0.5:
                best = max(best, weight * 0.6 * shared)
    return best


ENGLISH_PHRASE_WEIGHTS = {"names_en": 100, "synonyms_en": 95}
ENGLISH_TEXT_WEIGHTS = {"department": 30, "summary_en": 20}
# Words that say nothing of what is wanted ("how do I get a business licence").
_STOP = (
    "a an and the of for to in on at by with from my our i me we want need how do does can get s"
)
STOPWORDS = frozenset(_STOP.split())
SHARE = 0.5  # of the words asked that a phrase must hold to count
AGAIN = 0.5  # added for each other phrase that holds every word asked (up to 4)


def english_words(text: str) -> list[str]:
    """The words of ``text`` (folded) that say what is wanted."""
    return [word for word in re.findall(r"[a-z0-9]+", text) if word not in STOPWORDS]


def _held(asked: list[str], words: list[str]) -> tuple[float, float]:
    """The share of ``asked`` that begins a word of ``words`` ("licence" holds "licences",
    "id" "identity"; "db" is not inside "food business"), and the share of ``words`` so
    begun: how much of the phrase was asked for."""
    found = sum(any(w.startswith(a) for w in words) for a in asked)
    used = sum(any(w.startswith(a) for a in asked) for w in words)
    return found / len(asked), used / len(words) if words else 0.0


def english_score(query: str, fields: dict[str, str]) -> float:
    """How well a query in Latin letters matches: the best of an English name or
    synonym holding at least half the words asked (more for all of them, and for a
    phrase with few words beyond them), of the code holding the letters, and of the
    department's name or the summary holding them all; a little more for each other
    name or synonym holding every word (the entry is about them, not one line of it)."""
    asked = english_words(query.lower())
    if not asked:
        return 0.0
    best, whole = 0.0, 0
    for name, weight in ENGLISH_PHRASE_WEIGHTS.items():
        for phrase in fields[name].split(SEPARATOR):
            found, used = _held(asked, english_words(phrase))
            if found >= SHARE:
                best = max(best, weight * found * (0.8 + 0.2 * used))
                whole += found == 1
    needle = "".join(asked)
    if needle in fields["code"] or any(len(a) > 1 and a in fields["code"] for a in asked):
        best = max(best, float(WEIGHTS["code"]))
    for name, weight in ENGLISH_TEXT_WEIGHTS.items():
        if _held(asked, english_words(fields[name]))[0] == 1:
            best = max(best, float(weight))
    return best + AGAIN * min(max(whole - 1, 0), 4) if best else 0.0


def synonym_hit(query: str, synonyms: str) -> bool:
    """Whether a question in plain words ("开饭店要办什么证") holds one of an entry's
    synonym phrases, or is itself part of one; spaces and case do not count."""
    asked = "".join(query.split()).lower()
    phrases = [phrase for phrase in synonyms.split(SEPARATOR) if phrase]
    return len(asked) >= 2 and any(
        "".join(phrase.split()) in asked or asked in phrase for phrase in phrases
    )


PINYIN_WEIGHTS = {"name": 100, "keywords": 80}


def pinyin_score(letters: str, spellings: dict[str, tuple[pinyin.Spelling, ...]]) -> float:
    """How well pinyin ``letters`` match: a name over a keyword, from the start over the
    middle ("kcg" in 我要开餐馆), the whole name over a part."""
    best = 0.0
    for name, weight in PINYIN_WEIGHTS.items():
        for spelling in spellings[name]:
            hit = pinyin.find(letters, spelling)
            if hit is not None:
                value = weight * (1.0 if hit.start == 0 else 0.6) * (1.0 if hit.to_end else 0.9)
                best = max(best, value)
    return best


def _match(query: str, texts: Texts) -> tuple[Tier, float]:
    if "".join(query.split()).lower() == texts.fields["code"]:
        return Tier.exact_code, 1.0
    value = score(query, texts.fields)
    if value > 0:
        return Tier.words, value
    letters = pinyin.normalize(query)
    return Tier.pinyin, pinyin_score(letters, texts.spellings) if letters else 0.0


def rank(query: str, entries: Sequence[CatalogEntry], departments: dict[str, str]) -> list[str]:
    """Codes of matching entries, best first (ties: bundles first, then by code).

    The query is folded (:func:`tongban.textutil.fold`) as the index texts are, so
    full-width letters, case and extra spaces change nothing.
    """
    query = fold(query)
    scored = []
    for entry in entries:
        tier, value = _match(query, _texts_of(entry, departments))
        if value > 0:
            scored.append((tier, -value, entry.kind != "bundle", entry.code))
    return [code for *_, code in sorted(scored)]
