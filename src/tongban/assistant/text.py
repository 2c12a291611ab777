"""Questions and catalog texts as tokens the ranking compares.

A text is folded (:func:`tongban.textutil.fold`), turned from traditional into simplified
characters (OpenCC ``t2s``: 營業執照 → 营业执照) and cut three ways, so that each kind of
slip still leaves tokens in common with the catalog:

- words, by the jieba segmenter in search mode ("营业执照" also gives "营业", "执照");
- character pairs ("开饭", "饭店"), so that one wrong character ("营业执招") spoils only the
  pairs it is part of;
- pairs of pinyin syllables without tones ("ying.ye"), so that a homophone typed by
  mistake ("失叶" for 失业) or a question typed in pinyin ("shiye dengji") meets the
  catalog's characters; pinyin typed as initials ("sydj") meets pairs of initials.

A run of Latin letters that reads as English rather than pinyin (:func:`reads_as_english`:
"how do I register a company") gives English tokens instead (``e:``, :func:`english_tokens`):
its words without the English stop words, reduced to a stem ("registering" → register,
"licenses" → licenc), and pairs of neighbouring stems; the catalog's English texts
(``name_en``, ``summary_en``, ``synonyms_en``, FAQ ``q_en`` …) are cut the same way.

Everything is computed here, in the process: no outside service, no model downloaded.
jieba and pypinyin load their dictionaries on first use (seconds, some 130 MB), once per
process: a web process in a background thread right after start-up (:func:`load`, from
``service.prepare``; without ``TONGBAN_ASSISTANT_PREPARE_AT_START``, on its first
question), so that the first question finds them loaded; the worker when it first cuts
the catalog. OpenCC's tables are small and load at once.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from functools import cache
from typing import Any

import structlog

from tongban.textutil import fold

log = structlog.get_logger("tongban.assistant")

_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
# "shiye dengji" is one run, and so is "register my e-bike" (a hyphen joins English words)
LATIN_RUN = re.compile(r"[a-z]+(?:[ -][a-z]+)*")

# Words that say nothing about which service is meant: how people wrap a question.
_STOPWORD_TEXT = """
    我 我们 你 你们 要 想 想要 需要 怎么 怎么样 怎样 如何 什么 哪些 哪里 哪儿 在哪 去哪
    吗 呢 吧 啊 了 的 得 地 是 有 和 与 及 或 还 也 都 就
    我要 我想 能 能不能 可以 一个 个 一下 请问 您好 你好 办 办理 手续 流程 申请 一家 家 这边 那边
    那 这 么 给 让 去 在 多少 多久 几天 谁 为什么 没 没有 不 一 这个 那个
    啥 怎么办 怎么弄 咋 咋办
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())
# Characters that make a word of the segmenter a wrapping rather than a thing asked about
# ("想开", "办个", "要开", "几个", "第一次"): such words are not key words.
_WRAPPING = frozenset("个要想能办一几些")
_KEY_WORD = re.compile(r"[\u3400-\u9fff]{2,}")


# The last characters of a word or phrase that names a document (护照, 驾照, 结婚证, 社保卡):
# what comes before them says which document it is.
DOCUMENT_ENDINGS = ("证", "照", "卡")

MAX_INITIALS = 5  # "sydj", "qykb": longer runs of letters that are not pinyin are noise

ENGLISH = "e:"  # the prefix of English tokens
INITIALS = "i:"  # the prefix of pairs of pinyin initials
PINYIN = "p:"  # the prefix of pairs of pinyin syllables
# English words that say nothing about which service is meant (how people wrap a question).
_ENGLISH_STOPWORD_TEXT = """
    a an the i me my mine we our us you your he she his her it its they them their this that
    these those there here what which who whom whose where when why how do does did doing
    done is are was were be been being am have has had having can could shall should will
    would may might must of to in on at by for from with about as into onto over under
    and or but if so than then not no yes please hi hello want wants wanted need needs
    needed get gets got getting apply applying make go going just now also any some all
    one thing things take takes took s t d ll ve re m
"""
ENGLISH_STOPWORDS = frozenset(_ENGLISH_STOPWORD_TEXT.split())
_ENGLISH_WORD = re.compile(r"[a-z]+")
_POSSESSIVE = re.compile(r"['’]s\b")
# Spellings folded to one (British and American): licence/license, centre/center.
_SPELLINGS = {"licens": "licenc", "center": "centr"}
# Suffixes taken off a word, the first that fits, leaving at least three letters.
_SUFFIXES = (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it logs its dictionary loading at INFO
    jieba.initialize()
    return jieba


_loaded = threading.Event()  # set once the dictionaries a question needs are loaded
_loader: threading.Thread | None = None
_loader_lock = threading.Lock()


def load() -> threading.Event:
    """Start loading the dictionaries questions are cut with (jieba's, pypinyin's readings
    and syllables: seconds, some 130 MB) in a background thread, unless they are loaded or
    being loaded; the event returned is set once they are. A failure is logged and the
    next call tries again."""
    global _loader
    with _loader_lock:
        if not _loaded.is_set() and (_loader is None or not _loader.is_alive()):
            _loader = threading.Thread(target=_load, name="assistant-dictionaries", daemon=True)
            _loader.start()
    return _loaded


def _load() -> None:
    try:
        tokens("营业执照 yingye")  # the segmenter, the readings and the pinyin syllables
    except Exception:  # a broken package: logged, the next question tries again
        log.exception("assistant.dictionaries_failed")
    else:
        _loaded.set()


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds a Chinese character."""
    return bool(_HAN_RUN.search(text))


def is_chinese_word(token: str) -> bool:
    """Whether ``token`` is a word of Chinese characters only (not a pair token, ``c:``…)."""
    return bool(_HAN_RUN.fullmatch(token))


# A markup tag ("<img src=x onerror=…>"): a page's code pasted or tried, never words asked.
_MARKUP = re.compile(r"<[^<>]*>")


def simplify(text: str) -> str:
    """``text`` folded, in simplified characters, its markup tags taken out."""
    return simplify_characters(fold(_MARKUP.sub(" ", text)))


def simplify_characters(text: str) -> str:
    """``text`` in simplified characters, full-width letters and digits made plain (NFKC),
    its letter case kept."""
    return str(_converter().convert(unicodedata.normalize("NFKC", text)))


def words(text: str) -> list[str]:
    """The words of a simplified ``text`` (search-mode cut), without stop words and
    punctuation (a "?" would meet every FAQ question)."""
    cut = _jieba().cut_for_search(text)
    return [word for word in cut if word not in STOPWORDS and any(map(str.isalnum, word))]


def tagged_words(text: str) -> list[tuple[str, str]]:
    """The words of a simplified ``text`` (accurate cut), each with its part of speech as
    jieba tags it ("张三" → ``nr``, a person's name); its tagger loads on first use."""
    _jieba()
    import jieba.posseg

    return [(pair.word, pair.flag) for pair in jieba.posseg.lcut(text)]


def key_words(text: str) -> list[str]:
    """The words of ``text`` that name what it asks about: its words (:func:`words`) of
    two or more Chinese characters, none of them a wrapping one ("护照过期了怎么办" →
    护照, 过期)."""
    return [
        word
        for word in words(simplify(text))
        if _KEY_WORD.fullmatch(word) and not _WRAPPING.intersection(word)
    ]


def _pairs(units: list[str], prefix: str) -> list[str]:
    return [f"{prefix}{units[i]}.{units[i + 1]}" for i in range(len(units) - 1)]


def _core(han: str) -> str:
    """A run of characters without its stop words, so that pairs join the words that matter."""
    return "".join(word for word in _jieba().lcut(han) if word not in STOPWORDS)


@cache
def readings(run: str) -> tuple[str, ...]:
    """The pinyin syllables of a run of characters, without tones ("材料" → cai, liao)."""
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(run, style=Style.NORMAL))


def tokens(text: str, *, initials: bool = False, known: frozenset[str] = frozenset()) -> list[str]:
    """Every token of ``text``: words, character pairs (``c:``), pinyin syllable pairs
    (``p:``) and, with ``initials`` (catalog texts, whose initials a question typed as
    "sydj" may meet), pairs of the syllables' initials (``i:``). A question in characters
    has no initials: they would meet far too much by chance. Runs of Latin letters that
    read as English give English tokens (:func:`english_tokens`) and nothing else; a
    one-word run reads as English when ``known`` (English tokens, ``e:``, such as those of
    the catalog's English texts) holds its stem ("tax", "visa", "birth"), before any pinyin,
    and as pinyin too when it splits into syllables ("hukou": the English of 户口)."""
    found: list[str] = []

    def english(run: re.Match[str]) -> str:  # its tokens taken, the run taken out
        said = run.group()
        if reads_as_english(said):
            found.extend(english_tokens(said))
            return " "
        if not _known_word(said, known):
            return said
        found.extend(english_tokens(said))
        # a word English took from pinyin ("hukou") is read both ways; "visa", "tax" as English
        return said if len(split_syllables(said) or []) > 1 else " "

    simple = LATIN_RUN.sub(english, _POSSESSIVE.sub("", simplify(text)))
    found += words(simple)
    for run in _HAN_RUN.findall(simple):
        core = _core(run)
        found += _pairs(list(core), "c:")
        syllables = list(readings(core))
        found += _pairs(syllables, PINYIN)
        found += _pairs([s[0] for s in syllables], INITIALS) if initials else []
    for run in LATIN_RUN.findall(simple):
        found += latin_tokens(run.replace(" ", ""))
    return found


def latin_tokens(letters: str) -> list[str]:
    """Tokens of a run of Latin letters typed as pinyin: syllable pairs when it splits into
    known syllables ("shiyedengji"), else pairs of initials ("sydj")."""
    syllables = split_syllables(letters)
    if syllables and len(syllables) > 1:
        return _pairs(syllables, PINYIN) + _pairs([s[0] for s in syllables], INITIALS)
    if syllables is None and 1 < len(letters) <= MAX_INITIALS:
        return _pairs(list(letters), INITIALS)
    return [letters]


# Toned pinyin letters as pypinyin writes them, without their tone (ü as v, as its
# NORMAL style writes it: 绿 lv).
_TONELESS = str.maketrans("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ", "aaaaeeeeiiiioooouuuuvvvvvnnnm")


@cache
def _syllables() -> frozenset[str]:
    """The pinyin syllables without tones: each CJK character's first reading in
    pypinyin's table, as ``lazy_pinyin(…, style=NORMAL)`` reads a character alone, its
    tone marks taken off here (tenths of a second; reading every character through
    ``lazy_pinyin`` took seconds of the dictionaries' loading at start-up)."""
    from pypinyin.pinyin_dict import pinyin_dict

    readings = (
        toned.split(",", 1)[0].translate(_TONELESS)
        for point, toned in pinyin_dict.items()
        if 0x4E00 <= point <= 0x9FFF
    )
    return frozenset(reading for reading in readings if reading.isascii() and reading.isalpha())


def split_syllables(letters: str) -> list[str] | None:
    """``letters`` as pinyin syllables, longest first ("kaicanguan" → kai can guan), or
    None when they do not split."""
    known = _syllables()
    best: list[list[str] | None] = [None] * (len(letters) + 1)
    best[0] = []
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - 6), end):
            before = best[start]
            if before is not None and letters[start:end] in known:
                candidate = [*before, letters[start:end]]
                if best[end] is None or len(candidate) < len(best[end] or []):
                    best[end] = candidate
    return best[len(letters)]


@cache
def _syllable_words() -> frozenset[str]:
    """The English stop words that are no pinyin syllable ("how", "my", "the"): one of them
    among several words marks a run of letters as English ("change my name")."""
    return ENGLISH_STOPWORDS - _syllables()


def slips(typed: str, known: str) -> int:
    """How many slips of the keyboard turn ``known`` into ``typed``: letters left out,
    added, changed or swapped with the next (the optimal string alignment distance)."""
    rows = [list(range(len(known) + 1))]
    for i, letter in enumerate(typed, 1):
        row = [i]
        for j, wanted in enumerate(known, 1):
            row.append(min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (letter != wanted)))
            if i > 1 and j > 1 and letter == known[j - 2] and typed[i - 2] == wanted:
                row[j] = min(row[j], rows[-2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1]


def reads_as_english(run: str) -> bool:
    """Whether a run of Latin letters, single spaces and hyphens (folded) reads as English
    rather than pinyin: it has a hyphen (pinyin is not typed with one: "e-bike"), or it
    does not split into pinyin syllables and is longer than initials ("register company";
    not "shiye dengji", "kaigongsi", "sydj"), or it has several words and one of them is an
    English stop word that no syllable spells ("change my name"), or it is only such stop
    words ("hello", "hi there": a greeting, not initials)."""
    if "-" in run:
        return True
    letters = run.replace(" ", "")
    if len(letters) > MAX_INITIALS and split_syllables(letters) is None:
        return True
    said = run.split()
    only_stop_words = all(word in ENGLISH_STOPWORDS for word in said)
    return any(word in _syllable_words() for word in said) and (len(said) > 1 or only_stop_words)


def _known_word(run: str, known: frozenset[str]) -> bool:
    """Whether ``run`` is one English word whose stem ``known`` holds (``e:tax``)."""
    return " " not in run and ENGLISH + stem(run) in known


def stem(word: str) -> str:
    """A plain English stem: the first suffix of :data:`_SUFFIXES` that leaves three letters
    or more taken off ("registering" → register, "babies" → baby), else a final "e"
    ("licence" → licenc); "ss" and "us" endings kept (business, status); a doubled last
    consonant made single ("shopping" → shop); British and American spellings folded."""
    stemmed = word
    if not word.endswith(("ss", "us")):
        for suffix, replacement in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 3:
                stemmed = word[: -len(suffix)] + replacement
                break
        else:
            stemmed = word[:-1] if word.endswith("e") and len(word) > 4 else word
    if stemmed != word and len(stemmed) > 3 and stemmed[-1] == stemmed[-2] not in "lsz":
        stemmed = stemmed[:-1]
    if stemmed.endswith("e") and stemmed != word and len(stemmed) > 4:
        stemmed = stemmed[:-1]  # "licences" → licence → licenc, as "licence"
    for spelling, folded in _SPELLINGS.items():
        if stemmed.startswith(spelling):
            stemmed = folded + stemmed[len(spelling) :]
    return stemmed


def english_tokens(text: str) -> list[str]:
    """The English tokens of ``text`` (``e:``): the stems of its words that are not stop
    words, and pairs of neighbouring ones ("open a restaurant" → open, restaur, open.restaur)."""
    said = _ENGLISH_WORD.findall(_POSSESSIVE.sub("", fold(text)))
    stems = [stem(word) for word in said if word not in ENGLISH_STOPWORDS and len(word) > 1]
    return [ENGLISH + word for word in stems] + _pairs(stems, ENGLISH)
