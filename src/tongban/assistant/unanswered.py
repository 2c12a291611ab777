"""The questions the guide assistant could not answer, kept for the catalog administrators
(``/admin/assistant``): kept without the asker and without what identifies anyone in them,
listed page by page with how each is answered now, answered by adding catalog data (an FAQ
entry or a synonym, as a new version of an entry), or dismissed (junk, or answered
elsewhere)."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime

import yaml
from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.orm import Session

from tongban.assistant import text
from tongban.assistant.enums import ReplyKind
from tongban.assistant.models import QuestionSource, UnansweredQuestion
from tongban.assistant.service import MAX_QUESTION, Reply, check_question
from tongban.audit import service as audit
from tongban.catalog import service as catalog
from tongban.db import insert_skipping_taken
from tongban.errors import InvalidInput
from tongban.textutil import fold

PAGE = 50  # questions listed on one page
MAX_ANSWER = 1000  # characters of an FAQ answer (the form's limit, held here too)

# What identifies someone in a question, masked before it is kept: a run of six digits or
# more, however it is broken by spaces, dashes or dots (phone numbers "138-0013-8000",
# "138 0013 8000"; ID numbers, with their final X), an e-mail address, and a name after
# the words people introduce themselves with ("我叫王小明").
_PERSONAL = (
    (re.compile(r"\d(?:[\s.\-‐–—]*\d){5,}(?:[\s\-]*x)?", re.IGNORECASE), "＊"),
    (re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"), "＊"),
    (re.compile(r"(我叫|姓名|名字是|名字叫)\s*[:：]?\s*[\u3400-\u9fff]{2,4}"), r"\1＊"),
)


def _meaningful(question: str) -> bool:
    """Whether ``question`` holds two letters, digits or characters or more (not "？", "啊")."""
    return sum(char.isalnum() for char in question) >= 2


def to_keep(reply: Reply) -> bool:
    """Whether ``reply`` says a question was not answered that is worth an administrator's
    look: not junk (:func:`_meaningful`). A matter handled elsewhere is kept too: the
    demand it shows is the administrators' to see."""
    kinds = (ReplyKind.unanswered, ReplyKind.elsewhere)
    return reply.kind in kinds and _meaningful(reply.question)


@dataclass(frozen=True)
class Source:
    """Where a question came from, as the per-source limit counts it: ``who`` names it (a
    network address, or a hall's registered kiosk terminal, which everyone in the hall
    asks from), the server's secret that keys its digest, and how many new questions it
    may add to the list a day."""

    who: str
    secret: str
    per_day: int


def record_unanswered(session: Session, *, reply: Reply, now: datetime, source: Source) -> bool:
    """Count one ask of a question the assistant could not answer (:func:`to_keep`); what
    identifies someone (phone and ID numbers, e-mail addresses, a name: :data:`_PERSONAL`)
    is masked, and nothing says who asked. Every ask of a question on the list is counted,
    whoever asks (one address may be a whole office behind its router), so the list ranks
    by how often people really ask; a question not on the list is added only while
    ``source`` has added fewer than its ``per_day`` today (UTC), so that one address or
    terminal cannot flood the list with rows (its questions are still answered). Counted
    atomically: asks racing on one question each count once, on SQLite and PostgreSQL.
    Whether the ask was counted."""
    if not to_keep(reply):
        return False
    question = kept(reply.question)
    key = question_key(question)
    counted = session.execute(
        update(UnansweredQuestion)
        .where(_open(), UnansweredQuestion.key == key)
        .values(asks=UnansweredQuestion.asks + 1, last_asked_at=now)
        .returning(UnansweredQuestion.id)
    ).first()
    if counted is not None:
        return True
    if not _counted(session, source, now):
        return False
    row = dict(question=question, key=key, asks=1, first_asked_at=now, last_asked_at=now)
    session.execute(  # a racing first ask of the same question: counted on its row
        insert_skipping_taken(session, UnansweredQuestion)
        .values(row)
        .on_conflict_do_update(
            index_elements=[UnansweredQuestion.key],
            index_where=_open(),
            set_={"asks": UnansweredQuestion.asks + 1, "last_asked_at": now},
        )
    )
    return True


def question_key(question: str) -> str:
    """``question`` as questions are compared on the list: folded, without spaces ("开KTV",
    "开 ktv": one question)."""
    return fold(question).replace(" ", "")


def _counted(session: Session, source: Source, now: datetime) -> bool:
    """Count one more new question added from ``source`` today, unless it had its
    ``per_day``; whether it was counted. The count is kept under a digest of who asked
    keyed with the secret and the day (:class:`QuestionSource`); earlier days' counts are dropped."""
    day = now.date()
    said = f"{day.isoformat()} {source.who}".encode()
    digest = hmac.new(source.secret.encode(), said, hashlib.sha256).hexdigest()[:32]
    session.execute(delete(QuestionSource).where(QuestionSource.day < day))
    session.execute(
        insert_skipping_taken(session, QuestionSource)
        .values(day=day, source=digest, kept=0)
        .on_conflict_do_nothing()
    )
    counted = session.execute(
        update(QuestionSource)
        .where(
            QuestionSource.day == day,
            QuestionSource.source == digest,
            QuestionSource.kept < source.per_day,
        )
        .values(kept=QuestionSource.kept + 1)
        .returning(QuestionSource.kept)
    ).scalar_one_or_none()
    return counted is not None


def kept(question: str) -> str:
    """``question`` as it is kept: in the characters and letter case typed (an FAQ entry
    made from it reads as typed: "开KTV"), full-width letters and digits made plain,
    spaces collapsed, what identifies someone masked."""
    return _mask(" ".join(text.simplify_characters(question).split()))


def _mask(question: str) -> str:
    """``question`` with what identifies someone masked (:data:`_PERSONAL`)."""
    for personal, mask in _PERSONAL:
        question = personal.sub(mask, question)
    return question[:MAX_QUESTION]


def remask(session: Session) -> int:
    """Mask the questions kept before the masking rules (:data:`_PERSONAL`) last changed,
    open and closed alike, with the rules in force; how many were changed. An open
    question that reads as another open one once masked is counted on that one. Masking
    again changes nothing (``tongban migrate`` runs this at every upgrade; ``tongban
    catalog remask-questions`` on its own)."""
    changed = 0
    for row in session.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id)).all():
        masked = _mask(row.question)
        if masked == row.question:
            continue
        same = None if row.resolved_at else _open_row(session, question_key(masked))
        if same is None:
            row.question, row.key = masked, question_key(masked)
        else:
            same.asks += row.asks
            same.first_asked_at = min(same.first_asked_at, row.first_asked_at)
            same.last_asked_at = max(same.last_asked_at, row.last_asked_at)
            session.delete(row)
        session.flush()
        changed += 1
    return changed


def _open_row(session: Session, key: str) -> UnansweredQuestion | None:
    return session.scalar(select(UnansweredQuestion).where(_open(), UnansweredQuestion.key == key))


@dataclass(frozen=True)
class Unanswered:
    """One unanswered question: how often and when last it was asked."""

    question: str
    times: int
    last_asked: datetime


def _open() -> ColumnElement[bool]:
    return UnansweredQuestion.resolved_at.is_(None)


def count_unanswered(session: Session) -> int:
    """How many distinct questions are open."""
    return int(session.scalar(select(func.count(UnansweredQuestion.id)).where(_open())) or 0)


def list_unanswered(session: Session, *, page: int = 1) -> list[Unanswered]:
    """Open unanswered questions, the most often asked first, :data:`PAGE` to a page
    (``page`` from 1)."""
    rows = session.execute(
        select(
            UnansweredQuestion.question,
            UnansweredQuestion.asks,
            UnansweredQuestion.last_asked_at,
        )
        .where(_open())
        .order_by(
            UnansweredQuestion.asks.desc(),
            UnansweredQuestion.last_asked_at.desc(),
            UnansweredQuestion.question,
        )
        .limit(PAGE)
        .offset(PAGE * (max(page, 1) - 1))
    )
    return [Unanswered(question, asks, when) for question, asks, when in rows]


def _close(session: Session, question: str, now: datetime) -> int:
    """Close the open question ``question`` (however it is written: "开KTV", "开 ktv"); how
    many were closed (0 or 1)."""
    closed = session.execute(
        update(UnansweredQuestion)
        .where(_open(), UnansweredQuestion.key == question_key(kept(question)))
        .values(resolved_at=now)
    )
    return int(closed.rowcount)  # type: ignore[attr-defined]


def dismiss(session: Session, *, question: str, actor: audit.Actor, now: datetime) -> None:
    """Take ``question`` off the list without adding catalog data (junk, or a question
    answered elsewhere); audited. InvalidInput when no such question is open."""
    if not _close(session, question, now):
        raise InvalidInput(
            "这个问题不在未答问题中（可能已被处理），请刷新页面。",
            "That question is not open (it may have been dealt with already): reload the page.",
            field="question",
        )
    audit.record(
        session,
        at=now,
        action="assistant.question_dismissed",
        actor=actor,
        object_type="assistant_question",
        object_id=question[:MAX_QUESTION],
    )


def _check(code: str, phrase: str, reply: str, english: bool) -> None:
    if not code:
        raise InvalidInput("请选择要加入的事项。", "Choose the entry to add it to.", field="code")
    if not _meaningful(phrase):
        raise InvalidInput(
            "问题或说法至少要有两个汉字、字母或数字。",
            "The question or phrase needs at least two letters, digits or characters.",
            field="question",
        )
    if len(reply) > MAX_ANSWER:
        raise InvalidInput(
            f"答案请不要超过 {MAX_ANSWER} 个字（现有 {len(reply)} 个）。",
            f"Please keep the answer under {MAX_ANSWER} characters (it has {len(reply)}).",
            field="answer",
        )
    if reply and english:
        raise InvalidInput(
            "常见问题须用中文写问和答：英文问题请留空答案，作为英文同义说法加入；"
            "常见问题的英文请填在“英文问题”“英文答案”中。",
            "An FAQ entry is written in Chinese: add an English question as an English "
            "synonym (leave the answer empty), and the FAQ's English in the fields "
            "for its English question and answer.",
            field="answer",
        )


def add_to_catalog(
    session: Session,
    *,
    code: str,
    question: str,
    answer: str,
    actor: audit.Actor,
    now: datetime,
    question_en: str = "",
    answer_en: str = "",
) -> catalog.SaveResult:
    """Add ``question`` to entry ``code`` as catalog data: as an FAQ entry when ``answer``
    is given (with its English, ``question_en`` and ``answer_en``, when given), else as a
    synonym (``synonyms``, or ``synonyms_en`` for a question without Chinese characters).
    It is stored as a new version of the entry (checked and audited like any edit), so the
    next question is answered from it; the open unanswered questions it answers are
    closed. InvalidInput when no entry is chosen, the question is junk, the answer is over
    :data:`MAX_ANSWER` characters, an FAQ entry is asked without Chinese (an FAQ is written
    in Chinese, its English beside), and as the catalog check finds it."""
    phrase = check_question(question)
    english = not text.has_chinese(phrase)
    reply = " ".join(answer.split())
    _check(code, phrase, reply, english)
    source = yaml.safe_load(catalog.entry_text(session, code=code))
    if reply:
        faq = {"q": phrase, "a": reply}
        faq |= {"q_en": " ".join(question_en.split())} if question_en.strip() else {}
        faq |= {"a_en": " ".join(answer_en.split())} if answer_en.strip() else {}
        source["faq"] = [*(source.get("faq") or []), faq]
    else:
        field = "synonyms_en" if english else "synonyms"
        source[field] = [*(source.get(field) or []), phrase]
    edited = yaml.safe_dump(source, allow_unicode=True, sort_keys=False)
    saved = catalog.save_entry_text(session, code=code, text=edited, actor=actor, now=now)
    _close(session, phrase, now)
    return saved
