"""The guide assistant (智能客服) promises: a question in plain words is answered from the
catalog only (the items or bundle that match, and their conditions, materials, fees,
time limits, place and ways of applying, as the current versions state them); a
follow-up keeps the entry asked about before and the situation chosen for it; a question
about one's own case is answered from the signed-in applicant's own cases and no one
else's; a question about when a service hall is open is answered from ``halls.yaml``
(:mod:`hours`); a question that names a matter the catalog lists as handled elsewhere
(``elsewhere.yaml``: passports, 户口迁移 …) is told who handles it, and a question it
cannot answer is said to be so; both are kept (:mod:`unanswered`: without the asker) for
the catalog administrators, who answer it by adding an FAQ entry or a synonym to an entry
as a new catalog version, in effect at once. The catalog's texts are cut into tokens
once, by the worker (:func:`cut_published`), and every web process builds its index from
them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tongban.accounts.models import User
from tongban.assistant import cuts, hours, pinyin, reading, retrieval, text
from tongban.assistant.enums import Aspect, ReplyKind
from tongban.cases import service as cases
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.db import reading_session
from tongban.errors import InvalidInput
from tongban.queueing import service as queueing

MAX_QUESTION = 200  # characters; a longer text is not a question
# A match answers when it scores at least MIN_SCORE (BM25) and holds MIN_COVERAGE of the
# question's weight, or whatever its score when it holds SURE_COVERAGE (short questions,
# such as pinyin, score low); otherwise the assistant says it cannot answer. Set on the
# tuned part of the question set (bench/assistant.py), never on the held-out part.
MIN_SCORE = 1.8
MIN_COVERAGE = 0.12
SURE_COVERAGE = 0.35
# A best match that holds nothing of a key word of the question naming a document (护照,
# 驾照, 结婚证, ending in text.DOCUMENT_ENDINGS: a certificate the entry neither issues nor
# asks for) is not offered: a
# question about what the catalog does not offer gets the plain "cannot answer" reply,
# not the nearest entry (居民身份证换领 for "护照过期了怎么办"). Only documents: a key word
# the catalog lacks may as well be slang for a service it offers (火锅店 for a restaurant),
# and rules on coverage and unknown words lost such held-out questions (BENCHMARKS.md).

SHOWN = 3  # entries offered for one question
NEAR_SCORE = 0.9  # a share of the first match's score that is as good as the first's


@dataclass(frozen=True)
class Found:
    """One entry that answers: its catalog entry and the definition to show (tailored to
    the situation answers when the entry has situations)."""

    code: str
    spec: dict[str, Any]
    questions: list[dict[str, Any]]  # its situation questions (情形引导), if any
    answers: dict[str, str]
    faq: list[Mapping[str, Any]]

    @property
    def answers_query(self) -> str:
        """The situation answers as the query of the guide and apply pages."""
        return catalog.to_query(self.answers)


@dataclass
class Reply:
    """What the assistant says to one question."""

    question: str
    kind: ReplyKind
    aspect: Aspect | None = None
    found: list[Found] = field(default_factory=list)
    cases: Sequence[Case] = ()
    follow_up: bool = False  # answered about the entry asked about before
    narrowed: bool = False  # own cases: of those the asker has, only the one it names
    # own cases: the question names a case number none of the asker's cases has
    unknown_number: bool = False
    # own cases: the names of the entries the question names, none of the asker's cases of
    # which there is ("您没有…的办件")
    lacking: Sequence[str] = ()
    another: bool = False  # own cases: it asks about someone else's case (only one's own)
    # elsewhere: the matter of the catalog's elsewhere.yaml that answers it (who handles it)
    matter: Mapping[str, Any] | None = None
    halls: Sequence[Mapping[str, Any]] = ()  # hours: the halls asked about (halls.yaml)

    @property
    def about(self) -> str | None:
        """The entry a follow-up question is about: the first one shown."""
        return self.found[0].code if self.found else None


def check_question(question: str) -> str:
    """The question trimmed; InvalidInput when it is empty or too long."""
    asked = " ".join(question.split())
    if not asked:
        raise InvalidInput("请输入您的问题。", "Please type your question.", field="q")
    if len(asked) > MAX_QUESTION:
        raise InvalidInput(
            f"问题请不要超过 {MAX_QUESTION} 个字。",
            f"Please keep the question under {MAX_QUESTION} characters.",
            field="q",
        )
    return asked


def _index(session: Session, *, wait: float | None = None) -> retrieval.Index | None:
    """The index of the catalog as published now; one small query unless it changed. None
    while it is still being built after ``wait`` seconds (None: wait until it is)."""

    matters = _matters(session)

    def read(keys: Sequence[retrieval.Key]) -> retrieval.Reading:
        found = cuts.stored(session, [key for key in keys if key not in matters])
        return found, {
            key: matters[key] if key in matters else _definition(session, key)
            for key in keys
            if key not in found
        }

    return retrieval.index_for(index_keys(session), read, wait=wait)


def index_keys(session: Session) -> list[retrieval.Key]:
    """What the index holds now: the published entries (:func:`cuts.published`) and the
    matters handled elsewhere, each as ``(code, version id)``."""
    return [*cuts.published(session), *_matters(session)]


def _matters(session: Session) -> dict[retrieval.Key, Mapping[str, Any]]:
    """The matters handled elsewhere, by their key in the index: their code (prefixed by
    :data:`retrieval.ELSEWHERE`) and the id of the list's current version."""
    current = catalog.current_elsewhere(session)
    if current is None:
        return {}
    return {
        (retrieval.ELSEWHERE + matter["code"], current.id): matter
        for matter in current.definition["matters"]
    }


def _ready(session: Session, *, wait: float | None = None) -> retrieval.Index | None:
    """The index, once it and the dictionaries a question is cut with are both ready (the
    first question of a process starts loading them); None when they are not after
    ``wait`` seconds in all (None: wait until they are)."""
    deadline = None if wait is None else time.monotonic() + wait
    loaded = text.load()
    index = _index(session, wait=wait)
    left = None if deadline is None else max(0.0, deadline - time.monotonic())
    return index if index is not None and loaded.wait(left) else None


def read_pinyin(session: Session, *, question: str) -> str:
    """``question`` typed in pinyin as the Chinese characters the assistant reads it as
    (:func:`pinyin.read_as_chinese`: "kaifandian" → 开饭店); "" when it is not pinyin or
    the index is not ready yet (no wait)."""
    index = _ready(session, wait=0)
    return pinyin.read_as_chinese(index, question) if index is not None else ""


def cut_published(session: Session, *, now: datetime) -> int:
    """The worker's sweep: cut the tokens of the published catalog versions not cut yet,
    once for every web process (:mod:`cuts`); returns how many were cut."""
    return cuts.cut_published(session, now=now)


def prepare(sessions: sessionmaker[Session]) -> None:
    """Start, in background threads (at server start-up), loading the dictionaries a
    question is cut with (:func:`text.load`) and building the index of the published
    catalog from the tokens the worker cut (cutting a version it has not cut yet), so that
    the first question waits for neither. Only the catalog is read in the caller's thread.
    Faults are logged."""
    text.load()
    try:
        with closing(reading_session(sessions)) as session:
            _index(session, wait=0)
    except Exception:  # the server starts all the same: the first question builds it
        retrieval.log.exception("assistant.prepare_failed")


def _definition(session: Session, key: tuple[str, int]) -> dict[str, Any]:
    return catalog.get_version(session, version_id=key[1]).definition


def _confident(matches: Sequence[retrieval.Match]) -> list[retrieval.Match]:
    """The matches to offer: those on the question's subject, if the best of them is sure
    enough and holds every document the question names. When the first holds too little
    of the question, the one that holds most of it among those that score nearly as high
    (:data:`NEAR_SCORE`) is the best: "单位食堂要办证吗" scores alike for the entries that
    share 单位 and the one that holds 食堂."""
    matches = [match for match in matches if match.on_subject]
    if not matches:
        return []
    weak = matches[0].coverage < MIN_COVERAGE
    if weak and not matches[0].code.startswith(retrieval.ELSEWHERE):  # a matter: _named_matter
        near = [m for m in matches if m.score >= NEAR_SCORE * matches[0].score]
        best = max(near, key=lambda match: match.coverage)
        matches = [best, *(match for match in matches if match is not best)]
    best = matches[0]
    if _strays(best):
        return []
    enough = best.score >= MIN_SCORE and best.coverage >= MIN_COVERAGE
    return list(matches[:SHOWN]) if enough or best.coverage >= SURE_COVERAGE else []


def _strays(best: retrieval.Match) -> bool:
    """Whether the best match, an entry of the catalog, lacks a document the question
    names (ending in :data:`text.DOCUMENT_ENDINGS`, with a qualifier that says which:
    not "卡证", "证照"). A matter handled elsewhere is told whatever else the question asks
    of it ("护照签证加急"), once the question names it (:func:`_named_matter`)."""
    return not best.code.startswith(retrieval.ELSEWHERE) and _lacks_document(best)


def _lacks_document(match: retrieval.Match) -> bool:
    """Whether ``match`` lacks a document the question names (see :func:`_strays`)."""
    return any(
        word.endswith(text.DOCUMENT_ENDINGS) and word.strip("".join(text.DOCUMENT_ENDINGS))
        for word in match.lacks
    )


def _found(
    session: Session, key: tuple[str, int], question: str, situation: Mapping[str, str]
) -> Found:
    full = _definition(session, key)
    answers: dict[str, str] = {}
    if situation:
        try:
            answers = catalog.check_answers(full, situation)
        except InvalidInput:
            answers = {}  # answers of another entry's questions: show the whole guide
    faq = reading.matching_faq(question, _faq(full))
    return Found(key[0], catalog.tailor(full, answers), catalog.questions(full), answers, faq)


def _faq(definition: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    source = definition.get("bundle") or definition["items"][0]
    own = list(source.get("faq") or [])
    return own + [e for item in definition["items"] for e in item.get("faq") or [] if e not in own]


def ask(
    session: Session,
    *,
    question: str,
    user: User | None,
    about: str | None = None,
    situation: Mapping[str, str] | None = None,
    wait: float | None = None,
    kiosk: str | None = None,
) -> Reply:
    """The reply to ``question`` (checked by :func:`check_question`).

    ``about`` is the entry the previous reply was about: a question that asks only for a
    part of a guide ("那要带什么材料？") is answered about it. ``situation`` holds the
    answers to the first entry's situation questions (情形引导), which tailor its materials.
    ``wait``: seconds to wait for an index being built and the dictionaries being loaded
    (None: until they are); past them the reply is ``warming`` (ask again in a moment).
    A question when a hall is open gets its hours: one that names a hall, one that
    follows up the entry ``about`` (the halls that handle it: :func:`_service_hours`), or
    one that nothing of the catalog answers (``kiosk``: the hall whose kiosk it is asked at).
    """
    asked = check_question(question)
    if reading.asks_about_own_case(asked):
        return _own_cases(session, asked, user, wait)
    if hours.asks_hall_hours(asked):
        return _hours(session, asked, kiosk)
    index = _ready(session, wait=wait)
    if index is None:
        return Reply(asked, ReplyKind.warming)
    aspect = reading.aspect_of(asked)
    rest = reading.without_aspect(hours.without_hours(asked))
    ranked = index.rank(rest)
    matches = _confident(ranked)
    if matches and matches[0].code.startswith(retrieval.ELSEWHERE):
        # the entries that rank after the matters, if sure enough alone
        entries = _confident([m for m in ranked if not m.code.startswith(retrieval.ELSEWHERE)])
        matter = _named_matter(session, index, asked, matches, entries)
        if matter is not None:
            return Reply(asked, ReplyKind.elsewhere, aspect, matter=matter)
        # a matter not named that lacks a document the question names: neither answers
        matches = [] if _lacks_document(matches[0]) else entries
    matches = [match for match in matches if not match.code.startswith(retrieval.ELSEWHERE)]
    follow_up = False
    entry = about in index.versions and not str(about).startswith(retrieval.ELSEWHERE)
    asks_hours = hours.asks_hours(asked)
    if entry and (aspect or asks_hours) and (not matches or matches[0].code == about):
        if asks_hours:
            return _service_hours(session, asked, (str(about), index.versions[str(about)]))
        matches, follow_up = [retrieval.Match(str(about), 0.0, 1.0)], True
    if not matches:
        if asks_hours:
            return _hours(session, asked, kiosk)
        return Reply(asked, ReplyKind.unanswered, aspect)
    found = [
        _found(
            session,
            (match.code, index.versions[match.code]),
            asked,
            (situation or {}) if at == 0 else {},
        )
        for at, match in enumerate(matches)
    ]
    return Reply(asked, ReplyKind.entries, aspect, found, follow_up=follow_up)


def _hours(session: Session, asked: str, kiosk: str | None) -> Reply:
    """The opening hours of the halls ``asked`` is about (:func:`hours.relevant_halls`)."""
    halls = hours.relevant_halls(queueing.halls(session), asked, kiosk)
    return Reply(asked, ReplyKind.hours, halls=halls)


def _service_hours(session: Session, asked: str, key: tuple[str, int]) -> Reply:
    """Hours asked of the entry ``key`` (a follow-up: "那几点下班"): the opening hours of the
    halls its guide's places name (:func:`hours.handling_halls`), the entry kept for the
    next follow-up; its place and phone when they name no hall (halls.yaml has no hours
    of a township's service centre)."""
    found = _found(session, key, asked, {})
    windows = {dept.code: dept.window for dept in catalog.list_departments(session)}
    halls = hours.handling_halls(queueing.halls(session), found.spec["items"], windows)
    if not halls:
        return Reply(asked, ReplyKind.entries, Aspect.place, [found], follow_up=True)
    return Reply(asked, ReplyKind.hours, found=[found], follow_up=True, halls=halls)


def _named_matter(
    session: Session,
    index: retrieval.Index,
    question: str,
    matches: Sequence[retrieval.Match],
    entries: Sequence[retrieval.Match],
) -> Mapping[str, Any] | None:
    """The first matter handled elsewhere among ``matches`` that ``question`` names
    (:func:`reading.names_matter`), if any, unless it names the best of ``entries`` (the
    catalog's own, sure enough) fully, every key word of one of its names, and the
    matter's names add nothing to the entry's (:func:`reading.names_more`): "户口" names
    出生登记 fully (办户口) and 户口迁移 by half, and this portal handles the first; "迁户口"
    names the move."""
    asked = index.tokens(question)
    listed = _matters(session)
    best = [
        reading.phrases(_definition(session, (e.code, index.versions[e.code]))) for e in entries[:1]
    ]
    named = [entry for entry in best if reading.names_matter(asked, entry, share=1.0)]
    for match in matches:
        matter = listed.get((match.code, index.versions[match.code]))
        if matter is None or not reading.names_matter(asked, matter):
            continue
        if not named or reading.names_more(asked, matter, named[0]):
            return matter
    return None


def _own_cases(session: Session, asked: str, user: User | None, wait: float | None) -> Reply:
    """Only the asker's own cases (as applicant), never one they do not own: the one whose
    number the question names ("TB3501…办到哪了"), else those of the entries whose licence or
    name it names, a bundle's case among them when one of its items is named ("我的营业执照
    办到哪了": 企业开办一件事 issues it; when the index is ready), else all of them. A number
    or a name that none of them has gets no case, whoever else's it may be, and a question
    about someone else's case ("张三的案子办到哪了") none either."""
    if reading.asks_about_anothers_case(asked):
        return Reply(asked, ReplyKind.own_cases, another=True)
    if user is None:
        return Reply(asked, ReplyKind.sign_in)
    own = [case for case in cases.list_my_cases(session, user=user) if case.applicant_id == user.id]
    numbers = reading.case_numbers(asked)
    if numbers:
        numbered = [case for case in own if case.number in numbers]
        return Reply(
            asked,
            ReplyKind.own_cases,
            cases=numbered,
            narrowed=bool(own),
            unknown_number=not numbered,
        )
    index = _ready(session, wait=wait)
    matches = index.rank(reading.without_case_words(asked)) if index else []
    named = [m for m in _confident(matches) if not m.code.startswith(retrieval.ELSEWHERE)]
    if not own or not named or index is None:
        return Reply(asked, ReplyKind.own_cases, cases=own)
    codes = {match.code for match in named}
    related = [case for case in own if codes & _issued_by(session, case)]
    names = [_definition(session, (m.code, index.versions[m.code]))["name"] for m in named]
    return Reply(asked, ReplyKind.own_cases, cases=related, narrowed=True, lacking=names)


def _issued_by(session: Session, case: Case) -> set[str]:
    """The codes of what a case applies for: its entry's, and its items' for a bundle."""
    definition = _definition(session, (case.catalog_code, case.catalog_version_id))
    return {case.catalog_code, *(item["code"] for item in definition["items"])}
