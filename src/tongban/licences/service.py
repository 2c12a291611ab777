"""The e-licence domain promises: a licence is issued once per licence result at the
issuing stage, signed over its GB/T 36903 record and its face; its signed fields never
change; its status changes only by the audited transitions below; anyone can verify it
(page, API, CLI); its holder sees it in 我的证照, staff only through cases they handle.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tongban import txcache
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.audit.service import SYSTEM, Actor, record
from tongban.cases.core import access
from tongban.cases.models import Case, ResultDocument
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tongban.licences import issued
from tongban.licences.enums import LicenceStatus
from tongban.licences.issuing import issue_licence
from tongban.licences.lookups import public_lookup
from tongban.licences.models import Licence
from tongban.licences.verify import Verification, effective_status, find, verify_file, verify_lookup
from tongban.pii.service import lookup_keys

__all__ = [
    "Verification",
    "cancel_for_ended_holder",
    "change_status",
    "conditional_licences",
    "documents_among",
    "effective_status",
    "find",
    "get_licence",
    "held_licence",
    "issue_licence",
    "issued_on_case",
    "lapse_conditions",
    "list_for_case",
    "list_for_code",
    "list_for_holder",
    "meet_conditions",
    "public_lookup",
    "revoke_for_cause",
    "verify_file",
    "verify_lookup",
]

# action: (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[LicenceStatus], LicenceStatus]] = {
    "suspend": (frozenset({LicenceStatus.valid}), LicenceStatus.suspended),
    "resume": (frozenset({LicenceStatus.suspended}), LicenceStatus.valid),
    "revoke": (frozenset({LicenceStatus.valid, LicenceStatus.suspended}), LicenceStatus.revoked),
    "revoke_as_penalty": (
        frozenset({LicenceStatus.valid, LicenceStatus.suspended}),
        LicenceStatus.penalty_revoked,
    ),
    "cancel": (frozenset({LicenceStatus.valid, LicenceStatus.suspended}), LicenceStatus.cancelled),
}
# 撤销 (revoke) undoes a grant that should not have been made (行政许可法 第六十九条: abuse
# of power, deception, bribery, a false commitment); 吊销 (revoke_as_penalty) punishes the
# holder's later violation (行政处罚法 第九条, 行政许可法 第八十一条). Both end the licence,
# under different law, and the verification page says which.
ACTIONS_ZH = {
    "suspend": "暂扣",
    "resume": "恢复",
    "revoke": "撤销",
    "revoke_as_penalty": "吊销",
    "cancel": "注销",
}
AUDITED = {
    "suspend": "suspended",
    "resume": "resumed",
    "revoke": "revoked",
    "revoke_as_penalty": "penalty_revoked",
    "cancel": "cancelled",
}


def holds(session: Session, user: User, licence: Licence) -> bool:
    """The holder: the person or enterprise the licence names, or its case's applicant."""
    if licence.holder_code in {user.id_number, user.credit_code} - {None}:
        return True
    case = session.get(Case, licence.case_id) if licence.case_id else None
    return case is not None and case.applicant_id == user.id


def may_view(user: User, licence: Licence, session: Session) -> bool:
    """Applicants see their own; staff only through a case they may see."""
    if not user.is_staff:
        return holds(session, user, licence)
    if licence.case_id is None:  # imported from a register: its issuing department's region
        return access.oversees_department(session, user, licence.issuer_department)
    return access.can_view_case(user, session.get_one(Case, licence.case_id))


def get_licence(session: Session, *, licence_id: int, user: User) -> Licence:
    """One licence the user may see; NotFound otherwise (existence not revealed)."""
    licence = session.get(Licence, licence_id)
    if licence is None or not may_view(user, licence, session):
        raise NotFound("没有找到该电子证照。", "No such e-licence.")
    return licence


def list_for_holder(session: Session, *, user: User) -> Sequence[Licence]:
    """我的证照: the licences naming the user (ID number or credit code) or issued on the
    user's cases, newest first."""
    codes = user.verified_codes  # a number nobody verified names no licence of the account
    own_cases = select(Case.id).where(Case.applicant_id == user.id)
    query = select(Licence).where(
        or_(
            Licence.holder_key.in_(lookup_keys(*codes)),
            Licence.case_id.in_(own_cases),
        )
    )
    return session.scalars(query.order_by(Licence.issued_at.desc(), Licence.id.desc())).all()


def documents_among(session: Session, licences: Sequence[Licence]) -> set[int]:
    """The ids of those of ``licences`` that record a result document rather than a licence
    (result kind ``document``: 回执, 确认单, 通知书, 清税证明): signed and verifiable like a
    licence, but no permit to hold, so the wallet lists them apart."""
    ids = [licence.result_document_id for licence in licences if licence.result_document_id]
    if not ids:
        return set()
    query = select(ResultDocument.id).where(
        ResultDocument.id.in_(ids), ResultDocument.kind != "licence"
    )
    documents = set(session.scalars(query))
    return {licence.id for licence in licences if licence.result_document_id in documents}


def list_for_code(session: Session, *, holder_code: str) -> Sequence[Licence]:
    """The licences naming one person (resident ID) or enterprise (credit code) as holder,
    newest first: the e-licences of a profile (一人一档/一企一档)."""
    query = select(Licence).where(Licence.holder_key == holder_code)
    return session.scalars(query.order_by(Licence.issued_at.desc(), Licence.id.desc())).all()


def issued_on_case(session: Session, *, case_id: int) -> list[Licence]:
    """The licences issued on a case in this unit of work (its results), oldest first."""
    return issued.on_case(session, case_id=case_id)


def list_for_case(
    session: Session, *, case_id: int, item_code: str | None = None
) -> Sequence[Licence]:
    """The licences issued on one case (of one of its items), oldest first."""
    query = select(Licence).where(Licence.case_id == case_id)
    if item_code is not None:
        query = query.where(Licence.item_code == item_code)
    return session.scalars(query.order_by(Licence.id)).all()


def held_licence(
    session: Session, *, name: str, holder: User, subjects: set[str], today: date
) -> Licence | None:
    """A licence named ``name`` issued by today and in force that ``holder`` holds (issued under their
    account's ID number or credit code, or on one of their own cases) and that names one
    of ``subjects`` (resident ID numbers or credit codes: the case's own subject) as its
    holder; None when ``subjects`` is empty. The holder's licences naming ``subjects``
    are read once per unit of work (a submission asks for each material a licence may
    satisfy), again after a flush that writes a licence."""
    in_force = (
        licence
        for licence in _held(session, holder, sorted(subjects))
        if licence.name == name
        and licence.issued_on <= today  # a licence issued later is not held yet (the demo's clock)
        and effective_status(licence, today) == LicenceStatus.valid
    )
    return next(in_force, None)


def _held(session: Session, holder: User, subjects: list[str]) -> Sequence[Licence]:
    """Every licence ``holder`` holds that names one of ``subjects``, newest first."""

    def read() -> Sequence[Licence]:
        own_cases = select(Case.id).where(Case.applicant_id == holder.id)
        held = or_(
            Licence.holder_key.in_(lookup_keys(*holder.verified_codes)),
            Licence.case_id.in_(own_cases),
        )
        named = Licence.holder_key.in_(lookup_keys(*subjects))
        query = select(Licence).where(held, named).order_by(Licence.id.desc())
        return session.scalars(query).all()

    key = f"licences.held:{holder.id}:{','.join(subjects)}"
    return txcache.memo(session, key, read, on=(Licence,))


def may_change(user: User, licence: Licence) -> bool:
    """Staff of the issuing department with the approver role change a status."""
    return (
        user.is_staff
        and user.department_code == licence.issuer_department
        and user.has_role(Role.approver)
    )


def change_status(
    session: Session, *, licence_id: int, action: str, reason: str, user: User, now: datetime
) -> Licence:
    """Suspend, resume, revoke (撤销), revoke as a penalty (吊销) or cancel a licence
    (audited ``licence.<status>``: ``licence.suspended`` … ``licence.penalty_revoked``).

    Raises NotFound (not the user's to see), NotAllowed (not an approver of the issuing
    department), InvalidInput (unknown action or no reason), Conflict (not allowed from
    the current status).
    """
    licence = get_licence(session, licence_id=licence_id, user=user)
    if action not in TRANSITIONS:
        raise InvalidInput(
            "未知的证照操作。", f"Unknown licence action {action!r}.", field="action"
        )
    if not reason.strip():
        raise InvalidInput(
            "请填写理由（依据）。", "Give the reason (and its legal basis).", field="reason"
        )
    if not may_change(user, licence):
        raise NotAllowed(
            "只有发证部门的核准人员可以变更证照状态。",
            "Only the issuing department's approvers may change it.",
        )
    actor = Actor(id=user.id, name=user.display_name, department_code=user.department_code)
    return _apply(session, licence, action, reason, actor, now)


def revoke_for_cause(
    session: Session, *, licence: Licence, reason: str, reason_en: str, actor: Actor, now: datetime
) -> Licence:
    """Revoke (撤销) a licence whose grant a procedure found wanting, e.g. a failed
    post-approval check of a commitment approval (国办发〔2020〕42号: a false commitment
    revokes the licence); audited ``licence.revoked`` with the reason (and its English,
    ``reason_en``, the platform's words). The caller checks who may; Conflict when the
    licence is no longer valid or suspended."""
    return _apply(session, licence, "revoke", reason, actor, now, reason_en=reason_en)


def _apply(
    session: Session,
    licence: Licence,
    action: str,
    reason: str,
    actor: Actor,
    now: datetime,
    *,
    reason_en: str | None = None,
) -> Licence:
    """``action`` on ``licence`` for ``reason``, audited; ``reason_en``: its English where the
    platform wrote the reason (shown on English timelines), None for what a person typed."""
    sources, target = TRANSITIONS[action]
    if licence.status not in sources:
        raise Conflict(
            f"证照当前状态不能{ACTIONS_ZH[action]}。",
            f"A licence that is {licence.status} cannot be {action}d.",
        )
    before = licence.status
    licence.status, licence.status_reason, licence.status_changed_at = target, reason.strip(), now
    licence.status_reason_en = reason_en
    record(
        session,
        at=now,
        action=f"licence.{AUDITED[action]}",
        actor=actor,
        object_type="licence",
        object_id=licence.id,
        case_id=licence.case_id,
        subject_id=_applicant(session, licence),
        from_state=str(before),
        to_state=str(target),
        opinion=reason.strip(),
        data={"opinion_en": reason_en} if reason_en else None,
    )
    return licence


def cancel_for_ended_holder(
    session: Session, *, holder_code: str, reason: str, reason_en: str, now: datetime
) -> list[Licence]:
    """The enterprise of credit code ``holder_code`` ended (注销登记): each of its licences
    still valid or suspended is cancelled (注销, audited ``licence.cancelled`` with
    ``reason``), as 《行政许可法》第七十条第（三）项 requires when a legal person ends; the
    verification page then says so. Documents issued to it (回执, 通知书, 清税证明: records
    of what happened, result kind ``document``) keep their status. The cancelled, oldest
    first."""
    documents = select(ResultDocument.id).where(ResultDocument.kind != "licence")
    query = select(Licence).where(
        Licence.holder_key == holder_code,
        Licence.status.in_([LicenceStatus.valid, LicenceStatus.suspended]),
        or_(Licence.result_document_id.is_(None), Licence.result_document_id.not_in(documents)),
    )
    ended = list(session.scalars(query.order_by(Licence.id)))
    for licence in ended:
        _apply(session, licence, "cancel", reason, SYSTEM, now, reason_en=reason_en)
    return ended


def _applicant(session: Session, licence: Licence) -> int | None:
    case = session.get(Case, licence.case_id) if licence.case_id else None
    return case.applicant_id if case else None


def conditional_licences(session: Session, *, case_id: int) -> Sequence[Licence]:
    """The case's licences issued on a condition (附条件, 容缺) not met yet and not ended."""
    query = select(Licence).where(
        Licence.case_id == case_id,
        Licence.condition.is_not(None),
        Licence.condition_met_at.is_(None),
        Licence.status.in_([LicenceStatus.valid, LicenceStatus.suspended]),
    )
    return [row for row in session.scalars(query.order_by(Licence.id)) if row.condition]


def meet_conditions(session: Session, *, case_id: int, now: datetime) -> list[Licence]:
    """The missing materials arrived: the case's conditional licences hold without
    condition from now on (audited ``licence.condition_met``; the signed record keeps
    the condition, the library and the verification page say it was met)."""
    met = list(conditional_licences(session, case_id=case_id))
    for licence in met:
        licence.condition_met_at = now
        record(
            session,
            at=now,
            action="licence.condition_met",
            actor=SYSTEM,
            object_type="licence",
            object_id=licence.id,
            case_id=licence.case_id,
            subject_id=_applicant(session, licence),
        )
    return met


def lapse_conditions(
    session: Session, *, case_id: int, reason: str, reason_en: str, now: datetime
) -> list[Licence]:
    """The condition was not met in time: the case's conditional licences are revoked
    with ``reason`` and its English (``licence.revoked``; the holder is told)."""
    lapsed = list(conditional_licences(session, case_id=case_id))
    for licence in lapsed:
        _apply(session, licence, "revoke", reason, SYSTEM, now, reason_en=reason_en)
    return lapsed
