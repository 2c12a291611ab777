"""What a question asks, read from its words: which part of a guide (materials, fees, time
limit, place, conditions), whether it is about the person's own case, and which FAQ entry
of a guide it repeats. Plain word lists, no model: each list is what people type for it, in
Chinese and in English (English words matched whole: "fee" is not in "coffee")."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
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
    Aspect.time_limit: (
        "多久",
        "多长时间",
        "几天",
        "时限",
        "多少天",
        "工作日",
        "多快",
        "办完",
        "办结",
    ),
    # the hall itself (政务中心几点下班) says where, not what is asked about
    Aspect.place: (
        "在哪",
        "哪里办",
        "去哪",
        "地址",
        "窗口",
        "电话",
        "地点",
        "哪个部门",
        "政务服务中心",
        "行政服务中心",
        "政务中心",
        "服务中心",
        "办事大厅",
        "服务大厅",
    ),
    Aspect.channels: (
        "网上",
        "在线",
        "上网",
        "本人去",
        "本人到场",
        "要本人",
        "本人来",
        "亲自",
        "跑几次",
        "去几次",
        "到现场",
        "邮寄",
        "快递",
        "寄给",
        "代办",
        "委托",
        "帮我办",
        "替我办",
        "周末",
        "周六",
        "周日",
        "星期六",
        "星期天",
        "节假日",
        "几点",
        "上班时间",
        "工作时间",
        "办公时间",
    ),
    Aspect.conditions: ("条件", "要求", "资格", "符合", "能不能办", "可以办吗"),
}

# The English words that ask for one part of a guide.
ASPECT_WORDS_EN: dict[Aspect, tuple[str, ...]] = {
    Aspect.materials: ("documents", "materials", "bring", "papers to bring", "submit"),
    Aspect.fees: ("how much", "fee", "fees", "cost", "costs", "price", "charge", "free"),
    Aspect.time_limit: ("how long", "how many days", "time limit", "deadline", "how soon"),
    Aspect.place: ("where", "address", "office", "window", "phone number", "telephone"),
    Aspect.channels: (
        "online",
        "in person",
        "by post",
        "post",
        "mail",
        "agent",
        "on my behalf",
        "someone else",
        "weekend",
        "weekends",
        "saturday",
        "sunday",
        "opening hours",
    ),
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
# An aspect word that a document's ending follows is part of the document's name, not a
# question about that part: 资格证 (从业资格证) asks about the certificate, not conditions.
_NAMED_DOCUMENT = f"(?![{''.join(text.DOCUMENT_ENDINGS)}])"
_ASPECT = {
    aspect: re.compile("|".join(re.escape(word) + _NAMED_DOCUMENT for word in words))
    for aspect, words in ASPECT_WORDS.items()
}
# A document to bring ("要带身份证吗", "带户口本"): the question asks for the materials, and
# the document is one of them, not what it is about (not 居民身份证换领). A short object
# without a verb of going or doing, so that "带孩子去办出生证", "带孩子办卡" keep their subject.
_BRING = re.compile(
    r"(?:携带|带)(?:上|着|好)?(?:(?![办去来到])[\u3400-\u9fff]){0,3}?(?:证明|证|照|卡|本)"
)
_CASE_EN = _english(CASE_WORDS_EN)


@cache
def _pinyin_words() -> dict[Aspect, tuple[tuple[str, ...], ...]]:
    """The aspect words as pinyin syllables ("材料" → cai, liao), for a question typed in
    pinyin (the kiosk's keyboard types only Latin letters)."""
    return {
        aspect: tuple(text.readings(word) for word in words)
        for aspect, words in ASPECT_WORDS.items()
    }


def _syllable_runs(simple: str) -> list[tuple[re.Match[str], list[str]]]:
    """The runs of Latin letters of ``simple`` typed as pinyin, each with its syllables
    (each space-separated word split on its own: "na yao dai shen me cai liao")."""
    runs = []
    for run in text.LATIN_RUN.finditer(simple):
        if text.reads_as_english(run.group()):
            continue
        split = [text.split_syllables(word) for word in run.group().split()]
        if all(split):
            runs.append((run, [syllable for each in split for syllable in each or []]))
    return runs


def _spans(syllables: list[str], word: tuple[str, ...]) -> list[int]:
    """Where ``word`` (syllables) starts in ``syllables``, as a whole run of syllables."""
    size = len(word)
    return [i for i in range(len(syllables) - size + 1) if tuple(syllables[i : i + size]) == word]


def aspect_of(question: str) -> Aspect | None:
    """The part of a guide ``question`` asks for, or None; in characters, in English or
    in pinyin ("cailiao", "duo jiu")."""
    simple = text.simplify(question)
    for aspect in ASPECT_WORDS:
        if _ASPECT[aspect].search(simple) or _ASPECT_EN[aspect].search(simple):
            return aspect
    if _BRING.search(simple):
        return Aspect.materials
    runs = _syllable_runs(simple)
    for aspect, spelled in _pinyin_words().items() if runs else ():
        if any(_spans(syllables, word) for _, syllables in runs for word in spelled):
            return aspect
    return None


def without_aspect(question: str) -> str:
    """``question`` without the words that ask for a part ("开药店要什么材料" → "开药店要什么",
    "kaiyaodian cailiao" → "kai yao dian", "办执照要带身份证吗" → "办执照要 吗")."""
    simple = _BRING.sub(" ", text.simplify(question))
    for word in sorted((w for words in ASPECT_WORDS.values() for w in words), key=len)[::-1]:
        simple = re.sub(re.escape(word) + _NAMED_DOCUMENT, " ", simple)
    for pattern in _ASPECT_EN.values():
        simple = pattern.sub(" ", simple)
    spelled = [word for words in _pinyin_words().values() for word in words]
    for run, syllables in reversed(_syllable_runs(simple)):
        kept = list(syllables)
        for spelling in spelled:
            for start in reversed(_spans(kept, spelling)):
                del kept[start : start + len(spelling)]
        simple = simple[: run.start()] + " ".join(kept) + simple[run.end() :]
    return simple


# Words that make a progress word ("批下来", "办到哪") about the asker's own case even in a
# question about a part of a guide ("我的执照多久能批下来"); without one, such a question asks
# the guide ("营业执照多久能批下来": its time limit; "营业执照办到哪个部门": its place).
OWN_WORDS = ("我的", "进度", "进展", "到哪一步", "办好了没", "办好没", "办完了没")


# Words that say a case is the asker's own (我上次申请的排污许可), and words that ask how
# such a case stands (批了吗, 办得怎么样了, 查一下): together they ask about the case.
MINE_WORDS = ("我的", "我上次", "我之前", "我前几天", "我申请", "我提交", "我办的", "我交的")
STANDING_WORDS = (
    "批了",
    "批没批",
    "办得怎么样",
    "办的怎么样",
    "怎么样了",
    "查一下",
    "查查",
    "通过了没",
    "通过没",
    "有结果",
)


def asks_about_own_case(question: str) -> bool:
    """Whether ``question`` asks where the person's own case is: it names a case number,
    or holds a progress word (:data:`CASE_WORDS`) and either asks for no part of a guide
    or says it is the asker's own (:data:`OWN_WORDS`), or says it is the asker's own
    (:data:`MINE_WORDS`) or someone else's (:func:`asks_about_anothers_case`) and asks how
    it stands (:data:`STANDING_WORDS`), or English words for one's case."""
    simple = text.simplify(question)
    if _CASE_EN.search(simple) or case_numbers(simple):
        return True
    if any(word in simple for word in STANDING_WORDS) and (
        any(word in simple for word in MINE_WORDS) or asks_about_anothers_case(simple)
    ):
        return True
    if not any(word in simple for word in CASE_WORDS):
        return False
    return any(word in simple for word in OWN_WORDS) or aspect_of(simple) is None


# Who else a case may be asked about: a pronoun, or a person's name (jieba's part of
# speech ``nr``), before 的 or 申请的 ("张三的案子", "他的申请", "王小明申请的低保").
OTHERS = frozenset({"他", "她", "他们", "她们", "别人", "人家", "朋友", "邻居", "同事"})


def asks_about_anothers_case(question: str) -> bool:
    """Whether ``question`` (one about a case, :func:`asks_about_own_case`) names whose
    case it is, and that is someone other than the asker ("张三的案子办到哪了")."""
    words = text.tagged_words(text.simplify(question))
    for at, (word, tag) in enumerate(words[:-1]):
        following = [w for w, _ in words[at + 1 : at + 3]]
        if following[:1] == ["的"] or following == ["申请", "的"]:
            return word in OTHERS or (tag.startswith("nr") and at == 0 and "我" not in word)
    return False


# A case number as people copy it: the digits (division, date, serial: 21 of them), with
# or without a few letters before them ("TB3501…").
_CASE_NUMBER = re.compile(r"(?<![0-9])(?:[a-z]{1,4})?([0-9]{12,})(?![0-9])", re.IGNORECASE)


def case_numbers(question: str) -> set[str]:
    """The case numbers ``question`` names, as digits ("TB350100…" → "350100…")."""
    return set(_CASE_NUMBER.findall(text.simplify(question)))


def without_case_words(question: str) -> str:
    """``question`` without the words that ask for progress ("我的营业执照办到哪了" → the licence)."""
    simple = text.simplify(question)
    for word in sorted((*CASE_WORDS, *MINE_WORDS, *STANDING_WORDS), key=len, reverse=True):
        simple = simple.replace(word, " ")
    return _CASE_EN.sub(" ", simple)


FAQ_OVERLAP = 0.5  # the share of an FAQ question's tokens the question must hold


def _overlap(asked: set[str], own: set[str]) -> float:
    return len(own & asked) / len(own) if own else 0.0


def matching_faq(question: str, faq: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The FAQ entries whose question (``q``, or its English ``q_en``: its words, not
    their pairs, so that "I lost my ID card" repeats "I lost my identity card") ``question``
    repeats, closest first."""
    asked = set(text.tokens(question))
    scored = []
    for index, entry in enumerate(faq):
        chinese = _overlap(asked, set(text.tokens(entry["q"])))
        words = {
            token for token in text.english_tokens(entry.get("q_en") or "") if "." not in token
        }
        overlap = max(chinese, _overlap(asked, words))
        if overlap >= FAQ_OVERLAP:
            scored.append((-overlap, index, entry))
    return [entry for *_, entry in sorted(scored, key=lambda row: row[:2])]


NAMED = 0.5  # the share of one of a matter's phrases a question must hold to name it


def _holds(asked: set[str], own: set[str], share: float = NAMED) -> bool:
    return bool(own) and len(own & asked) >= share * len(own)


def _names(asked: set[str], phrase: str, own: list[str], share: float) -> bool:
    """Whether ``asked`` names ``phrase`` by ``own`` (its key words, or its pinyin pairs,
    in order): it holds half of them, and, when the phrase names a document (ends in
    :data:`text.DOCUMENT_ENDINGS`), the first: the qualifier that says which document it
    is (外籍 of 外籍员工工作证, 高铁 of 坐高铁没带身份证). Without it a question asks about
    the document in general ("给员工办工作证", "要带身份证吗"), not the matter's kind."""
    qualified = not phrase.endswith(text.DOCUMENT_ENDINGS) or (bool(own) and own[0] in asked)
    return qualified and _holds(asked, set(own), share)


def names_matter(asked: set[str], matter: Mapping[str, Any], share: float = NAMED) -> bool:
    """Whether a question (its tokens, ``asked``) names a matter handled elsewhere: it
    holds at least ``share`` (half, :data:`NAMED`) of the key words (:func:`text.key_words`)
    of the matter's name or of one of its synonyms ("忘带身份证怎么坐高铁": 高铁, 身份, 身份证
    of "坐高铁没带身份证"), or of their pinyin pairs (typed in pinyin, or a homophone:
    "banhuzhao", "护找"), or of the English words of an English one. One word or pair shared
    with a longer name is not enough: "网上怎么申请" is not about 互联网上网服务营业场所 (网吧),
    "工作" not about 外国人来华工作许可. An entry's names (the same keys) are named the same
    way."""
    chinese = [matter["name"], *(matter.get("synonyms") or [])]
    english = [matter.get("name_en") or "", *(matter.get("synonyms_en") or [])]
    for phrase in chinese:
        own = text.key_words(phrase)
        spelled = [t for word in own for t in text.tokens(word) if t.startswith(text.PINYIN)]
        if _names(asked, phrase, own, share) or _names(asked, phrase, spelled, share):
            return True
    return any(
        _holds(asked, {t for t in text.english_tokens(phrase) if "." not in t}, share)
        for phrase in english
    )


def _named_by(names: Mapping[str, Any]) -> set[str]:
    """The tokens of the names of a matter or an entry (:func:`names_matter`'s keys)."""
    chinese = [names["name"], *(names.get("synonyms") or [])]
    english = [names.get("name_en") or "", *(names.get("synonyms_en") or [])]
    return {token for phrase in chinese for token in text.tokens(phrase)} | {
        token for phrase in english for token in text.english_tokens(phrase)
    }


def names_more(asked: set[str], matter: Mapping[str, Any], entry: Mapping[str, Any]) -> bool:
    """Whether a question (its tokens, ``asked``) holds a token of the names of a matter
    handled elsewhere that the names of an entry (the same keys) lack: "户口本丢了" adds 丢
    to 出生登记's 户口本, "income tax" adds income to 二手房过户's "deed tax"; "户口" adds
    nothing to 出生登记's 办户口."""
    return bool((asked & _named_by(matter)) - _named_by(entry))


def phrases(definition: Mapping[str, Any]) -> dict[str, Any]:
    """What an entry is called, as a matter's names are (:func:`names_matter`): its
    name, keywords and synonyms, and their English."""
    source = definition.get("bundle") or definition["items"][0]
    return {
        "name": definition["name"],
        "synonyms": [*(source.get("keywords") or []), *(source.get("synonyms") or [])],
        "name_en": definition.get("name_en"),
        "synonyms_en": source.get("synonyms_en"),
    }
