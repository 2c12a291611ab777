"""Objections (异议) to a public notice: anyone files one with a reason while the notice
runs (not signed in: limited per network address and hour); the reviewing department
examines each (核查: founded or not, with the finding); a founded one stops the notice,
closes the other objections still waiting (公示已终止) and sends the case back to a new
investigation (重新组织调查核实, ``cases.review_again``) within the notice's
``recheck_limit``. Whoever filed one follows it by its number and the lookup code printed on
the receipt (the number alone is a counter anyone can walk). Each step is audited on the
case (``notice.objection_*``, ``case.recheck``). Functions flush but never commit.

A wrong number or code (the same answer for both, so numbers cannot be probed) is audited
as ``notice.objection_lookup_failed`` with the network address; after
``sign_in_lock_after`` of them within ``sign_in_lock_minutes`` that address is locked out
(OWASP ASVS 4.0 §2.2.1, anti-automation, as 办件查询). No lock is kept per objection: a
stranger's guesses must not shut the objector out, and the code's 40 bits (8 characters of
32) leave guessing spread over many addresses no chance.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit import service as audit
from tongban.audit.service import Actor, platform_actor
from tongban.cases import service as cases
from tongban.cases.core import access
from tongban.cases.core.transition import lock_case
from tongban.cases.enums import TaskState
from tongban.cases.models import Case, Task
from tongban.config import Settings
from tongban.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotAllowed,
    NotFound,
    TooManyAttempts,
)
from tongban.notices.enums import NoticeState, ObjectionState
from tongban.notices.models import Objection, PublicNotice
from tongban.notices.service import declared, objections
from tongban.textutil import counted

REASON_MIN, TEXT_MAX, CONTACT_MAX = 5, 500, 60
PUBLIC = platform_actor("公众")  # an objection filed without signing in
FILED = "notice.objection_filed"
LOOKUP_FAILED = "notice.objection_lookup_failed"
SOURCE_WINDOW = timedelta(hours=1)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a receipt
CODE_LENGTH = 8


def _text(value: str, *, field: str, least: int, most: int, what: tuple[str, str]) -> str:
    text = value.strip()
    if not least <= len(text) <= most:
        raise InvalidInput(
            f"{what[0]}须为 {least} 至 {most} 个字。",
            f"{what[1]} must have {least} to {most} characters.",
            field=field,
        )
    return text


@dataclass(frozen=True)
class Caller:
    """Who files an objection: a signed-in ``user``, or else the network address
    (``source``) counted against ``per_hour`` objections an hour."""

    user: User | None = None
    source: str | None = None
    per_hour: int = 5


def _refuse_busy_source(session: Session, caller: Caller, now: datetime) -> None:
    """TooManyAttempts (429) once the caller's address, not signed in, filed
    ``caller.per_hour`` objections within the hour (anti-automation, as 办件查询)."""
    if caller.user is not None or caller.source is None:
        return
    recent = audit.times(
        session, action=FILED, since=now - SOURCE_WINDOW, source_address=caller.source
    )
    if len(recent) >= caller.per_hour:
        wait = recent[0] + SOURCE_WINDOW - now
        minutes = max(1, math.ceil(wait.total_seconds() / 60))
        raise TooManyAttempts(
            f"本网络提出异议过于频繁，请 {minutes} 分钟后再试，或登录后提出。",
            f"Too many objections from this network; try again in {counted(minutes, 'minute')}, or "
            "sign in to object.",
            retry_after=math.ceil(wait.total_seconds()),
        )


@dataclass(frozen=True)
class Filed:
    """An objection just filed and its lookup code, shown once on the receipt (only its
    hash is kept)."""

    objection: Objection
    code: str


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def file_objection(
    session: Session,
    *,
    notice_id: int,
    reason: str,
    contact: str,
    now: datetime,
    caller: Caller,
) -> Filed:
    """Anyone (signed in or not) objects to a running notice with a reason (5 to 500
    characters) and, if they wish, a way to reach them; the receipt gives its number and a
    lookup code (``CODE_LENGTH`` characters of ``CODE_ALPHABET``). Raises NotFound for an
    unknown notice, Conflict once it ended, InvalidInput saying what to fix,
    TooManyAttempts for an address not signed in past its objections of the hour."""
    _refuse_busy_source(session, caller, now)
    notice = session.get(PublicNotice, notice_id)
    if notice is None:
        raise NotFound("没有找到该公示。", "No such public notice.")
    case = lock_case(session, case_id=notice.case_id)
    session.refresh(notice)
    if notice.state != NoticeState.running or now >= notice.ends_at:
        raise Conflict(
            "该公示已经结束，不能再提出异议。",
            "This notice has ended; objections are closed.",
            code="notice_ended",
        )
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    objection = Objection(
        notice_id=notice.id,
        code_hash=_digest(code),
        filed_at=now,
        reason=_text(reason, field="reason", least=REASON_MIN, most=TEXT_MAX, what=REASON),
        contact=_text(contact, field="contact", least=0, most=CONTACT_MAX, what=CONTACT) or None,
        state=ObjectionState.filed,
    )
    session.add(objection)
    session.flush()
    cases.record_case(
        session,
        case=case,
        action=FILED,
        actor=actor_of(caller.user) if caller.user is not None else PUBLIC,
        now=now,
        # the reviewing department hears of it (``outbox.DEPARTMENT_TOPICS``)
        data={
            "notice_id": notice.id,
            "objection_id": objection.id,
            "department": notice.department_code,
        },
        object_type="objection",
        object_id=objection.id,
        source_address=caller.source if caller.user is None else None,
    )
    return Filed(objection, code)


REASON = ("异议理由", "The reason")
CONTACT = ("联系方式", "The contact")
FINDING = ("核查情况", "The finding")


EXAMINERS = frozenset({Role.reviewer})  # who examines an objection (核查), and hears of it


def may_examine(user: User, notice: PublicNotice) -> bool:
    """A reviewer of the department that gave the initial opinion."""
    return user.has_role(*EXAMINERS) and user.department_code == notice.department_code


def examine(
    session: Session, *, objection_id: int, user: User, founded: bool, finding: str, now: datetime
) -> Objection:
    """The reviewing department's examination of an objection (核查): founded or not, and
    what it found (2 to 500 characters); a founded one sends the case back to a new
    investigation and notice. Raises NotFound for one who may not see it, NotAllowed for
    staff of the case who are not its reviewers, Conflict once examined."""
    objection = session.get(Objection, objection_id)
    if objection is None:
        raise NotFound("没有找到该异议。", "No such objection.")
    notice = session.get_one(PublicNotice, objection.notice_id)
    case = lock_case(session, case_id=notice.case_id)
    session.refresh(objection)
    if not may_examine(user, notice):
        if user.is_staff and access.can_view_case(user, case):
            raise NotAllowed(
                "只有作出初审意见的部门的审查人员可以核查异议。",
                "Only reviewers of the department that gave the initial opinion examine it.",
                code="not_reviewer",
            )
        raise NotFound("没有找到该异议。", "No such objection.")
    if objection.state != ObjectionState.filed:
        raise Conflict("该异议已经核查。", "This objection was examined already.", code="examined")
    objection.finding = _text(finding, field="finding", least=2, most=TEXT_MAX, what=FINDING)
    objection.state = ObjectionState.founded if founded else ObjectionState.unfounded
    actor = actor_of(user)
    objection.examined_by_id, objection.examined_by, objection.examined_at = (
        user.id,
        actor.name,
        now,
    )
    cases.record_case(
        session,
        case=case,
        action="notice.objection_examined",
        actor=actor,
        now=now,
        opinion=objection.finding,
        data={"objection_id": objection.id, "founded": founded},
        object_type="objection",
        object_id=objection.id,
    )
    if founded:
        _investigate_again(session, case, notice, actor, now)
    return objection


def _investigate_again(
    session: Session, case: Case, notice: PublicNotice, actor: Actor, now: datetime
) -> None:
    """A founded objection: the notice stops being shown and, while its decision is still
    to be made, the case goes back to a new review (调查核实) by the department that gave
    the initial opinion, within the notice's ``recheck_limit`` working days where the item
    declares one (低保: 15, 《最低生活保障审核确认办法》民发〔2021〕57号: 对公示有异议的，重新
    组织调查核实，在15个工作日内提出初审意见); its approval opens a new decision and a new
    notice (``cases.review_again``)."""
    if notice.state == NoticeState.running:
        notice.state, notice.ended_at = NoticeState.ended, now
    _close_the_others(session, case, notice, actor, now)
    task = session.get_one(Task, notice.task_id)
    if task.state == TaskState.open:
        opinion = "公示异议经核查成立，重新组织调查核实，提出初审意见后重新公示。"
        declaration = declared(session, case, task.item_code) or {}
        cases.review_again(
            session,
            case=case,
            actor=actor,
            opinion=opinion,
            now=now,
            working_days=declaration.get("recheck_limit"),
        )


def _close_the_others(
    session: Session, case: Case, notice: PublicNotice, actor: Actor, now: datetime
) -> None:
    """The objections to ``notice`` still waiting when a founded one stopped it are closed
    (``ObjectionState.closed``, no finding of their own: the pages say what it means, in
    the reader's language, ``_macros.html`` ``objection_outcome``): the notice they object
    to is no longer shown, and the new investigation and notice answer them (anyone may
    object to the new notice)."""
    for objection in objections(session, notice=notice):
        if objection.state != ObjectionState.filed:
            continue
        objection.state, objection.examined_at = ObjectionState.closed, now
        cases.record_case(
            session,
            case=case,
            action="notice.objection_closed",
            actor=actor,
            now=now,
            data={"objection_id": objection.id},
            object_type="objection",
            object_id=objection.id,
        )


def check_lookup(number: str, code: str) -> tuple[int, str]:
    """The number and code as compared (full-width digits and letters folded, the code
    upper-cased); raises InvalidInput naming what to fix."""
    digits = unicodedata.normalize("NFKC", number).strip()
    if not digits.isdigit() or len(digits) > 9:
        raise InvalidInput(
            "异议编号应为数字，请核对。", "An objection number is digits; check it.", field="number"
        )
    code = unicodedata.normalize("NFKC", code).strip().upper()
    if len(code) != CODE_LENGTH or not code.isascii() or not code.isalnum():
        raise InvalidInput(
            f"请填写异议回执上的 {CODE_LENGTH} 位查询码。",
            f"Enter the {CODE_LENGTH}-character lookup code on the objection's receipt.",
            field="code",
        )
    return int(digits), code


def refuse_when_locked(
    session: Session, *, source: str | None, now: datetime, settings: Settings
) -> None:
    """TooManyAttempts (429) while ``source`` is locked out of objection lookups."""
    if source is None:
        return
    window = timedelta(minutes=settings.sign_in_lock_minutes)
    failed = audit.times(session, action=LOOKUP_FAILED, since=now - window, source_address=source)
    if len(failed) < settings.sign_in_lock_after:
        return
    wait = failed[-settings.sign_in_lock_after] + window - now
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    raise TooManyAttempts(
        f"异议查询错误次数过多，请 {minutes} 分钟后再试。",
        f"Too many wrong objection lookups; try again in {counted(minutes, 'minute')}.",
        retry_after=math.ceil(wait.total_seconds()),
    )


def look_up(
    session: Session, *, number: int, code: str, source: str | None, now: datetime
) -> Objection | DomainError:
    """The objection ``number`` when ``code`` is its receipt's code; otherwise the failure
    is audited (the caller commits it) and returned as the NotFound to raise after the
    commit: the same answer for an unknown number. Objections filed before lookup codes
    existed have none and are found by no code."""
    found = session.get(Objection, number)
    known = found.code_hash if found is not None else None
    if found is not None and known is not None and secrets.compare_digest(known, _digest(code)):
        return found
    audit.record(
        session,
        at=now,
        action=LOOKUP_FAILED,
        actor=audit.Actor(id=None, name="-"),
        object_type="objection",
        object_id=str(number),
        source_address=source,
    )
    return NotFound(
        "异议编号或查询码不正确，请核对异议回执后重试。",
        "The objection number or lookup code is wrong; check the receipt and try again.",
        code="objection_not_found",
    )
