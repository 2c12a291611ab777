"""Pinyin spellings of catalog names, so that "sydj" or "shiye" finds 失业登记.

A name becomes a row of syllables. A Han character is spelled with its common reading
(pypinyin's default, which knows phrases: 银行 is yin hang) and also answers to the
initials of its other readings (行 also to "x"); a run of Latin letters or digits
("LED") is one syllable; punctuation is dropped.

A query matches from any syllable on when each syllable in turn is typed in full or by
its first letters, so initials ("sydj"), full pinyin ("shiyedengji") and what a person
has typed so far ("shiyed") all match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from tongban.textutil import fold

_HAN = re.compile(r"[\u3400-\u9fff]+")
_WORD = re.compile(r"[a-z0-9]+")
_QUERY_NOISE = re.compile(r"[\s'’]+")
_QUERY = re.compile(r"[a-z]+")
MAX_QUERY = 40  # longer input is not someone typing pinyin


@dataclass(frozen=True)
class Syllable:
    """One syllable: the common reading, and the initials its other readings allow."""

    reading: str
    other_initials: frozenset[str] = frozenset()


Spelling = tuple[Syllable, ...]


@dataclass(frozen=True)
class Hit:
    """Where a query matched: the first syllable it covered and whether it ran to the end."""

    start: int
    to_end: bool


def _initials(reading: str) -> set[str]:
    """What a reading may be typed as: zhong as "z" or "zh", an as "a"."""
    found = {reading[:1]}
    if reading[:2] in ("zh", "ch", "sh"):
        found.add(reading[:2])
    return found


# pypinyin is imported where it is used: its dictionaries take some 50 MB, paid only by
# processes that search (not the worker, not the command line).


@cache
def _other_initials(char: str, common: str) -> frozenset[str]:
    from pypinyin import Style, pinyin

    readings = pinyin(char, style=Style.NORMAL, heteronym=True)[0]
    found: set[str] = set()
    for reading in readings:
        if reading != common:
            found |= _initials(reading)
    return frozenset(found - _initials(common))


def _spell_han(run: str) -> list[Syllable]:
    from pypinyin import Style, lazy_pinyin

    readings = lazy_pinyin(run, style=Style.NORMAL)
    if len(readings) != len(run):  # a character pypinyin does not know
        readings = [lazy_pinyin(char, style=Style.NORMAL)[0] for char in run]
    return [
        Syllable(reading.lower(), _other_initials(char, reading.lower()))
        for char, reading in zip(run, readings, strict=True)
        if reading.isascii()
    ]


def _spell_latin(run: str) -> list[Syllable]:
    return [Syllable(word) for word in _WORD.findall(run.lower())]


def spell(text: str) -> Spelling:
    """The syllables of ``text``, computed once per catalog version by the search index."""
    syllables: list[Syllable] = []
    position = 0
    for han in _HAN.finditer(text):
        syllables += _spell_latin(text[position : han.start()])
        syllables += _spell_han(han.group())
        position = han.end()
    syllables += _spell_latin(text[position:])
    return tuple(syllables)


def normalize(query: str) -> str | None:
    """The query as pinyin letters ("Shi Ye", "ＳＨＩ ＹＥ" → "shiye"), or None if it is not pinyin."""
    letters = _QUERY_NOISE.sub("", fold(query))
    if not letters or len(letters) > MAX_QUERY or not _QUERY.fullmatch(letters):
        return None
    return letters


def _steps(letters: str, at: int, syllable: Syllable) -> set[int]:
    """How far into ``letters`` one syllable can take the query from ``at``."""
    reading = syllable.reading
    shared = 0
    while (
        shared < len(reading)
        and at + shared < len(letters)
        and letters[at + shared] == reading[shared]
    ):
        shared += 1
    steps = {at + length for length in range(1, shared + 1)}
    steps |= {at + len(i) for i in syllable.other_initials if letters.startswith(i, at)}
    return steps


def _ends(letters: str, spelling: Spelling, start: int) -> set[int]:
    """The syllable indexes where the whole query can end, matching from ``start``."""
    ends: set[int] = set()
    frontier = {0}
    index = start
    while frontier and index < len(spelling):
        frontier = {step for at in frontier for step in _steps(letters, at, spelling[index])}
        index += 1
        if len(letters) in frontier:
            ends.add(index)
            frontier.discard(len(letters))
    return ends


def find(letters: str, spelling: Spelling) -> Hit | None:
    """The best place ``letters`` (from :func:`normalize`) matches, or None.

    The start of the name beats the middle, and covering the name to its end beats
    stopping short. A single letter matches only at the start.
    """
    starts = range(len(spelling)) if len(letters) > 1 else range(min(1, len(spelling)))
    best: Hit | None = None
    for start in starts:
        ends = _ends(letters, spelling, start)
        if ends:
            hit = Hit(start, len(spelling) in ends)
            if start == 0 or hit.to_end:
                return hit
            best = best or hit
    return best
