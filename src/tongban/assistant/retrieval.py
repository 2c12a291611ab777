"""Ranking catalog entries for a question in plain words, by BM25 over the catalog's own text.

Each published item or bundle is one document made of the fields of its current
version: the name, keywords, synonyms and FAQ questions (the words people use, counted
more than once), the finder's life event, the summary, the conditions, the materials,
the result and, for a bundle, the names of its items and the words they are found by
(their keywords and synonyms: 奶茶店 of 食品经营许可 is a word of 我要开餐馆 too),
each with its English text where the
catalog has one (``name_en``, ``synonyms_en``, FAQ ``q_en``, ``summary_en``, the items' and
materials' ``name_en``), so that a question in English is answered from the same entries.
The words an entry is found by are
the catalog's own: a word people use that the catalog does not is added to the entry's
``synonyms`` (``synonyms_en``) by the catalog administrators (no outside thesaurus: docs/third-party-licences.md).
An entry is offered only when the question's words it holds are mostly in what it is
about (name, keywords, synonyms, FAQ, life event, summary, result), not in its materials or
conditions. The index is built once per
catalog revision (the published entries and their current versions) and kept in the
process; a new version, such as an FAQ entry an administrator added, is a new revision.
The tokens of each version are cut once, by the worker, and read from the database
(:mod:`cuts`); a process cuts only the versions the worker has not cut yet.
"""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import structlog

from tongban.assistant import text

# How many times a field counts: what people say for an entry over how the law names it.
REPEATS = {"name": 3, "keywords": 2, "synonyms": 2, "faq": 2, "event": 2, "summary": 1}
# The code prefix of a matter this portal does not handle (the catalog's ``elsewhere.yaml``),
# indexed alongside the entries: when one ranks first, the assistant says where to go.
ELSEWHERE = "elsewhere:"
# The fields that say what an entry is about; the others (conditions, materials) say what
# it asks for: a question about 结婚登记 is not about 出生登记, whose materials hold 结婚证.
SUBJECT = frozenset({"name", "keywords", "synonyms", "faq", "event", "summary", "item", "result"})


# A pinyin pair typed with a slip is read as the catalog's nearest one with up to one slip
# per SLIPS_PER letters typed ("huankou": 7 letters, two slips from hukou).
SLIPS_PER = 3


def _letters(pair: str) -> str:
    """The letters of a pinyin pair token ("p:hu.kou" → "hukou")."""
    return pair[len(text.PINYIN) :].replace(".", "")


def _initials(pair: str) -> str:
    """The initials of a pinyin pair token ("p:hu.kou" → "h.k")."""
    first, second = pair[len(text.PINYIN) :].split(".")
    return f"{first[0]}.{second[0]}"


@dataclass(frozen=True)
class Match:
    """One entry and how well it matched (BM25 score, higher is better)."""

    code: str
    score: float
    coverage: float  # the share of the question's weight (rare tokens weigh more) it holds
    on_subject: bool = True  # its strongest link to the question is in what it is about
    # The key words of the question (:func:`text.key_words`) it holds nothing of: neither
    # the word, nor a character pair or a pinyin pair of it (护照 for 居民身份证换领).
    lacks: tuple[str, ...] = ()


def _fields(definition: Mapping[str, Any]) -> Iterable[tuple[str, str, bool]]:
    """``(field, text, in English)`` of one version, the entry's own document first: each
    Chinese text, then its English (``*_en``) where the catalog has one."""
    source = definition.get("bundle") or definition["items"][0]
    yield "name", definition["name"], False
    yield "name", definition.get("name_en") or "", True
    for name in ("keywords", "synonyms"):
        for phrase in source.get(name) or []:
            yield name, phrase, False
    for phrase in source.get("synonyms_en") or []:
        yield "synonyms", phrase, True
    for entry in source.get("faq") or []:
        yield "faq", entry["q"], False
        yield "faq", entry.get("q_en") or "", True
    yield "event", (source.get("finder") or {}).get("event", ""), False
    yield "summary", source.get("summary") or "", False
    yield "summary", source.get("summary_en") or "", True
    for item in definition["items"]:
        if definition.get("bundle"):
            yield "item", item["name"], False
            yield "item", item.get("name_en") or "", True
            for phrase in [*(item.get("keywords") or []), *(item.get("synonyms") or [])]:
                yield "item", phrase, False
        for condition in item.get("conditions") or []:
            yield "condition", condition, False
        for material in item.get("materials") or []:
            yield "material", material["name"], False
            yield "material", material.get("name_en") or "", True
        yield "result", (item.get("result") or {}).get("name") or "", False


def _tokens(value: str, english: bool) -> list[str]:
    return text.english_tokens(value) if english else text.tokens(value, initials=True)


Cut = tuple[list[str], set[str]]  # an entry's document and subject tokens


def cut(definition: Mapping[str, Any]) -> Cut:
    """The tokens of one version: its :func:`document` and its :func:`subject`."""
    return document(definition), subject(definition)


def cut_matter(matter: Mapping[str, Any]) -> Cut:
    """The tokens of a matter handled elsewhere, as of an entry with only a name and
    synonyms: what people call it, nothing of who handles it (a question about 派出所 is
    not one about every matter a police station handles). Its pinyin initials are not part
    of what it is about (its subject), so a question typed as initials is never offered a
    matter: "sydj" is 失业登记, an item of the catalog, as much as 收养登记, a matter. They
    stay in its document, so that the ranking of every other question is unchanged. Cut by
    each process (a few short phrases), never stored."""
    names = {"synonyms": list(matter["synonyms"]), "synonyms_en": matter.get("synonyms_en")}
    definition = {"name": matter["name"], "name_en": matter.get("name_en"), "items": [names]}
    about = {token for token in subject(definition) if not token.startswith(text.INITIALS)}
    return document(definition), about


def document(definition: Mapping[str, Any]) -> list[str]:
    """The tokens an entry is found by, each field repeated by its weight."""
    found: list[str] = []
    for field, value, english in _fields(definition):
        if value:
            found += _tokens(value, english) * REPEATS.get(field, 1)
    return found


def subject(definition: Mapping[str, Any]) -> set[str]:
    """The tokens of the fields that say what an entry is about (:data:`SUBJECT`)."""
    return {
        token
        for field, value, english in _fields(definition)
        if value and field in SUBJECT
        for token in _tokens(value, english)
    }


def _bm25(documents: Sequence[list[str]]) -> Any:
    """A BM25 index of ``documents``; None when they hold no token."""
    import bm25s

    # it logs each build ("Building index from tokens") as a bare line: not the server's
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    if not any(documents):
        return None
    ranking = bm25s.BM25()
    ranking.index([list(doc) for doc in documents], show_progress=False)
    return ranking


class Index:
    """BM25 over one catalog revision, apart for the Chinese tokens and the English ones
    (``e:``): a Chinese question is ranked as if the catalog had no English text (the
    lengths BM25 weighs documents by are those of their Chinese text), an English one on the
    catalog's English texts; a question with both adds the two scores."""

    def __init__(
        self,
        revision: tuple[tuple[str, int], ...],
        documents: Sequence[list[str]],
        subjects: Sequence[set[str]],
    ):
        self.revision = revision
        self.codes = [code for code, _ in revision]
        self.versions = dict(revision)  # the version id of each entry, by code
        # None without a token: an empty catalog, or one without English text
        self._rankings = [
            _bm25([[t for t in doc if t.startswith(text.ENGLISH) == english] for doc in documents])
            for english in (False, True)
        ]
        self._vocabulary = {
            token for ranking in self._rankings if ranking for token in ranking.vocab_dict
        }
        # The English words of the catalog (stems, no pairs): a one-word question that is
        # one of them is English, not pinyin initials ("tax", "visa").
        self._english = frozenset(
            token
            for token in self._vocabulary
            if token.startswith(text.ENGLISH) and "." not in token
        )
        self._holds = [set(doc) for doc in documents]
        self._subjects = list(subjects)
        self._frequency = Counter(token for held in self._holds for token in held)
        # The catalog's pinyin pairs by their initials ("h.k": hu.kou, huan.ka …), the
        # spellings a slip of a pinyin question is read as (:meth:`_spelled`).
        self._spellings: dict[str, list[str]] = {}
        for token in sorted(self._vocabulary):
            if token.startswith(text.PINYIN):
                self._spellings.setdefault(_initials(token), []).append(token)

    @cached_property
    def _words_by_reading(self) -> dict[tuple[str, ...], list[str]]:
        """The catalog's Chinese words (the segmenter's) by their pinyin syllables without
        tones, the words most entries hold first."""
        words = [token for token in self._vocabulary if text.is_chinese_word(token)]
        found: dict[tuple[str, ...], list[str]] = {}
        for word in sorted(words, key=lambda word: (-self._frequency[word], word)):
            found.setdefault(text.readings(word), []).append(word)
        return found

    def words_read_as(self, syllables: tuple[str, ...]) -> list[str]:
        """The catalog's Chinese words that read as ``syllables`` (("fan", "dian") →
        饭店), the most common first: what letters typed as pinyin mean here."""
        return self._words_by_reading.get(syllables, [])

    def _weight(self, token: str) -> float:
        """Inverse document frequency: a token no entry holds weighs most."""
        return math.log(1 + len(self._holds) / (self._frequency[token] + 0.5))

    def _coverage(self, asked: set[str], held: set[str]) -> float:
        total = sum(self._weight(token) for token in asked)
        return sum(self._weight(token) for token in asked & held) / total

    def _on_subject(self, held: set[str], about: set[str]) -> bool:
        """Whether the question tokens an entry holds in its subject (``about``) weigh at
        least half of those it holds (``held``): the rest are in its materials and
        conditions only."""
        return sum(map(self._weight, about)) >= sum(map(self._weight, held)) / 2

    def tokens(self, question: str) -> set[str]:
        """The tokens of ``question`` as it is ranked (one-word English read as English
        when the catalog's English holds it); in a question typed in Latin letters only, a
        pair of pinyin syllables the catalog does not hold is read as the one it holds that
        it is a slip of (:meth:`_spelled`: "huankou" as hu.kou, 户口)."""
        found = set(text.tokens(question, known=self._english))
        if text.has_chinese(question):
            return found  # its pinyin pairs are the characters' own readings, not typed
        return {
            self._spelled(token)
            if token.startswith(text.PINYIN) and token not in self._vocabulary
            else token
            for token in found
        }

    def _spelled(self, typed: str) -> str:
        """The catalog's pinyin pair a typed one (``p:huan.kou``) is a slip of: of those
        with the same initials (people get the first letters of syllables right), the one
        within the fewest slips (:func:`text.slips`, at most :data:`SLIPS` per three letters
        typed, at least one), the most common in the catalog among equals (a spelling
        corrector's rule: the likelier word first); ``typed`` itself when none is."""
        letters = _letters(typed)
        most = max(1, len(letters) // SLIPS_PER)
        near = [
            (slips, -self._frequency[known], known)
            for known in self._spellings.get(_initials(typed), [])
            if (slips := text.slips(letters, _letters(known))) <= most
        ]
        return min(near)[2] if near else typed

    def rank(self, question: str, *, limit: int = 5) -> list[Match]:
        """The best entries for ``question``, best first, only those with a score."""
        every = self.tokens(question)
        asked = sorted(token for token in every if token in self._vocabulary)
        if not asked or not self.codes:
            return []
        scores = [0.0] * len(self.codes)
        for english, ranking in zip((False, True), self._rankings, strict=True):
            part = [token for token in asked if token.startswith(text.ENGLISH) == english]
            if ranking is not None and part:
                scores = [
                    a + float(b) for a, b in zip(scores, ranking.get_scores(part), strict=True)
                ]
        order = sorted(range(len(self.codes)), key=lambda i: (-scores[i], self.codes[i]))
        keys = {word: set(text.tokens(word)) for word in text.key_words(question)}
        matches = []
        for i in order[:limit]:
            if scores[i] > 0:
                held = every & self._holds[i]
                about = every & self._subjects[i]
                coverage = self._coverage(every, held)
                lacks = tuple(word for word, key in keys.items() if not key & self._holds[i])
                on_subject = self._on_subject(held, about)
                matches.append(Match(self.codes[i], scores[i], coverage, on_subject, lacks))
        return matches


log = structlog.get_logger("tongban.assistant")

Key = tuple[str, int]  # an entry's code and the id of its current version
Revision = tuple[Key, ...]  # the published entries, sorted


@dataclass
class _Build:
    revision: Revision
    done: threading.Event


_lock = threading.Lock()
_current: Index | None = None
_building: _Build | None = None
# The tokens of each entry version already held: a new catalog revision (an FAQ entry an
# administrator added) reads or cuts only the versions it did not hold.
_cut: dict[Key, Cut] = {}
# What the caller reads for the versions not held: the cuts stored by the worker, and the
# definitions of the versions it has not cut yet.
Reading = tuple[Mapping[Key, Cut], Mapping[Key, Mapping[str, Any]]]
Reader = Callable[[Sequence[Key]], Reading]


def index_for(revision: Sequence[Key], read: Reader, *, wait: float | None = None) -> Index | None:
    """The index of ``revision`` (the published entries as ``(code, version id)``).

    The one held is returned at once when it is of this revision; otherwise a build is
    started in a background thread (one at a time per revision), after reading the
    versions not held with ``read(keys)`` in the caller's thread (its session): their
    stored cuts, and the definitions of those to cut here. It is awaited ``wait`` seconds
    (None: until it is done). None when it is not done by then: the first question of a
    process whose start-up build has not finished yet.
    """
    global _building
    key = tuple(sorted(revision))
    with _lock:
        if _current is not None and _current.revision == key:
            return _current
        build = _building if _building is not None and _building.revision == key else None
        if build is None:
            stored, texts = read([each for each in key if each not in _cut])
            build = _building = _Build(key, threading.Event())
            worker = threading.Thread(
                target=_build, args=(build, stored, texts), name="assistant-index", daemon=True
            )
            worker.start()
    build.done.wait(wait)
    with _lock:
        return _current if _current is not None and _current.revision == key else None


def _build(
    build: _Build, stored: Mapping[Key, Cut], texts: Mapping[Key, Mapping[str, Any]]
) -> None:
    """Cut the versions not stored, index the revision and hold the index, unless a later
    build began."""
    global _current, _building
    try:
        fresh = {
            each: (cut_matter if each[0].startswith(ELSEWHERE) else cut)(texts[each])
            for each in texts
        }
        with _lock:
            held = {**_cut, **stored, **fresh}
        index = Index(
            build.revision,
            [held[each][0] for each in build.revision],
            [held[each][1] for each in build.revision],
        )
        with _lock:
            if _building is build:
                _current = index
                _cut.clear()
                _cut.update((each, held[each]) for each in build.revision)
    except Exception:  # a fault in the catalog text: logged, the next question tries again
        log.exception("assistant.index_failed")
    finally:
        with _lock:
            if _building is build:
                _building = None
        build.done.set()


def forget() -> None:
    """Drop the index and the cut versions held (tests whose catalog versions were rolled
    back: their ids may come again with other texts)."""
    global _current
    with _lock:
        _current = None
        _cut.clear()
