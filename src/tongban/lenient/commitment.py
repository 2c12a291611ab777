"""Commitment approval (告知承诺制, 国办发〔2020〕42号) and its post-approval check (事后核查).

An item with ``approval_mode: commitment`` states in writing what would otherwise have to
be proven (its commitment letter, material way ``signed``), which the applicant signs
online before submitting. When the case is accepted and the applicant may use the mode
(``eligibility``), each commitment item whose ``commitment.review`` is ``none`` is approved
on the signed commitment at once; ``short`` leaves its review stage to run as listed. A
case made only of such items is decided at once too. Applicants who may not use the mode
(bad credit, high risk) are told why and their case runs the ordinary review.

When the case is approved, one check per commitment item is scheduled: owner department
and limit in working days from the catalog (``commitment.post_check``). Staff record the
finding once: passed, or failed, which revokes the item's licences with the reason (the
holder is told; the verification page shows it). A check past its due moment is listed
as overdue (``run_due_post_checks`` notes it once).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit.models import AuditEntry
from tongban.audit.service import SYSTEM, Actor, record
from tongban.cases import service as cases
from tongban.cases.core import access
from tongban.cases.enums import CaseState, Stage
from tongban.cases.models import Case, Task
from tongban.catalog.enums import ApprovalMode
from tongban.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tongban.files.store import FileStore
from tongban.instant import engine as instant
from tongban.lenient import eligibility
from tongban.lenient.enums import CheckState
from tongban.lenient.models import PostCheck
from tongban.licences import service as licences

DEFAULT_CHECK_DAYS = 60  # about three months of working days, when the catalog says none
APPROVED_ON_COMMITMENT = "告知承诺：申请人已书面承诺符合许可条件，依承诺当场作出准予许可决定。"
GRANTED, REFUSED = "case.commitment_granted", "case.commitment_refused"
GRANTED_OPINION = "适用告知承诺制。"


def commitment_items(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The items of a case definition approved on commitment."""
    return [i for i in spec["items"] if i.get("approval_mode") == ApprovalMode.commitment]


def _review(item: dict[str, Any]) -> str:
    return str((item.get("commitment") or {}).get("review", "short"))


def on_accepted(
    session: Session, case: Case, actor: Actor, now: datetime, store: FileStore
) -> None:
    """At acceptance by ``actor``: grant the mode (``actor`` approves on the commitment
    what needs no review) or say why not (the case runs the ordinary review). Instant
    items of the case are decided by their rule tables first (``instant.engine``); a case
    whose every item was decided by rule or on the commitment is approved on the spot."""
    by_rule = instant.decide_items(session, case=case, now=now, store=store)
    items = commitment_items(cases.spec_of(session, case))
    if not items:
        return
    eligibility.log_check(
        session,
        case=case,
        purpose="告知承诺制适用条件核查",
        purpose_en="Checking the conditions of commitment approval",
        now=now,
    )
    refused = eligibility.refusal(session, case=case)
    if refused is not None:
        opinion = f"不适用告知承诺制，按一般程序审查：{refused.zh}"
        cases.record_case(
            session,
            case=case,
            action=REFUSED,
            actor=SYSTEM,
            now=now,
            opinion=opinion,
            data={
                "en": refused.en,
                "opinion_en": f"Commitment approval does not apply; "
                f"reviewed as usual: {refused.en}",
            },
        )
        return
    cases.record_case(
        session, case=case, action=GRANTED, actor=SYSTEM, now=now, opinion=GRANTED_OPINION
    )
    # decided on the spot (当场) by whoever accepted it, on the signed commitment: the
    # licence names them as its signer (签发人)
    at_once = [item for item in items if _review(item) == "none"]
    for item in at_once:
        cases.review_by_rule(
            session,
            case=case,
            item_code=item["code"],
            actor=actor,
            opinion=APPROVED_ON_COMMITMENT,
            now=now,
            store=store,
        )
    decided = by_rule | {item["code"] for item in at_once}
    every = {item["code"] for item in case_items(session, case)}
    if case.state == CaseState.in_decision and decided >= every:
        cases.approve_by_rule(
            session, case=case, actor=actor, opinion=APPROVED_ON_COMMITMENT, now=now, store=store
        )


def on_task_opened(session: Session, task: Task, now: datetime) -> None:
    """A review task of an item approved on commitment that opened after acceptance,
    once its prerequisite in the bundle's order was approved (食品经营许可 after the
    营业执照 of the same case): approved on the commitment then, by whoever accepted the
    case. At acceptance itself the mode is not granted yet: ``on_accepted`` does it."""
    if task.stage != Stage.review or not task.item_code:
        return
    case = session.get_one(Case, task.case_id)
    items = {i["code"]: i for i in commitment_items(cases.spec_of(session, case))}
    item = items.get(task.item_code)
    if item is None or _review(item) != "none":
        return  # not an item approved on commitment: no need to read the decision
    granted = decision(session, case=case)
    if granted is None or granted.action != GRANTED:
        return
    accepted = next(t for t in case.tasks if t.stage == Stage.accept and t.actor_name)
    actor = Actor(accepted.actor_id, accepted.actor_name or "", accepted.department_code)
    cases.approve_opening_review(
        session, task=task, actor=actor, opinion=APPROVED_ON_COMMITMENT, now=now
    )


def case_items(session: Session, case: Case) -> list[dict[str, Any]]:
    return list(cases.spec_of(session, case)["items"])


def decision(session: Session, *, case: Case) -> AuditEntry | None:
    """The entry granting or refusing the mode at acceptance, if any (the last one)."""
    query = select(AuditEntry).where(
        AuditEntry.case_id == case.id, AuditEntry.action.in_((GRANTED, REFUSED))
    )
    return session.scalars(query.order_by(AuditEntry.id.desc()).limit(1)).first()


def on_decided(session: Session, case: Case, actor: Actor, now: datetime, store: FileStore) -> None:
    """An approved case granted the mode: schedule one post-approval check per item."""
    items = commitment_items(cases.spec_of(session, case))
    if not items:
        return  # no item approved on commitment: no need to read the decision
    granted = decision(session, case=case)
    if granted is None or granted.action != GRANTED:
        return
    cal = cases.calendar(session)
    for item in items:
        setting = (item.get("commitment") or {}).get("post_check") or {}
        days = int(setting.get("limit", DEFAULT_CHECK_DAYS))
        check = PostCheck(
            case_id=case.id,
            item_code=item["code"],
            department_code=setting.get("department") or item["department"],
            scope=setting.get("scope"),
            scope_en=setting.get("scope_en"),
            limit_days=days,
            scheduled_at=now,
            due_at=cal.add_working_days(now, days),
            state=CheckState.scheduled,
        )
        session.add(check)
        session.flush()
        record(
            session,
            at=now,
            action="post_check.scheduled",
            actor=SYSTEM,
            object_type="post_check",
            object_id=check.id,
            case_id=case.id,
            data={
                "item_code": item["code"],
                "department": check.department_code,
                "due_at": check.due_at.isoformat(),
            },
        )


def get_check(session: Session, *, check_id: int, user: User) -> PostCheck:
    """One check the user may see (staff who may see its case); NotFound otherwise."""
    check = session.get(PostCheck, check_id)
    if check is None or not (
        access.can_view_case(user, check.case) or user.department_code == check.department_code
    ):
        raise NotFound("没有找到该事后核查。", "No such post-approval check.")
    return check


def list_checks(
    session: Session, *, department: str, open_only: bool = True
) -> Sequence[PostCheck]:
    """A department's checks, the earliest due first (open ones only by default)."""
    query = select(PostCheck).where(PostCheck.department_code == department)
    if open_only:
        query = query.where(PostCheck.state == CheckState.scheduled)
    return session.scalars(query.order_by(PostCheck.due_at, PostCheck.id)).all()


def for_case(session: Session, *, case: Case) -> Sequence[PostCheck]:
    """Every check of one case."""
    query = select(PostCheck).where(PostCheck.case_id == case.id)
    return session.scalars(query.order_by(PostCheck.id)).all()


def is_overdue(check: PostCheck, now: datetime) -> bool:
    """Still to be done and past its due moment (``due_at`` is the exclusive end)."""
    return check.state == CheckState.scheduled and now >= check.due_at


def record_check(
    session: Session, *, check_id: int, user: User, passed: bool, finding: str, now: datetime
) -> PostCheck:
    """Record a check's finding once. Failed: the item's licences are revoked with the
    finding as the reason (国办发〔2020〕42号: a false commitment revokes the licence).

    Raises NotFound (not the user's), NotAllowed (not staff of the owner department),
    Conflict (already recorded), InvalidInput (no finding).
    """
    check = get_check(session, check_id=check_id, user=user)
    if user.department_code != check.department_code or not user.has_role(*access.WORK_ROLES):
        raise NotAllowed(
            "只有负责核查的部门工作人员可以登记核查结果。",
            "Only staff of the checking department may record the finding.",
        )
    if check.state != CheckState.scheduled:
        raise Conflict(
            f"该核查已由{check.checked_by}登记结果，不能重复登记。",
            "The finding of this check was already recorded.",
            code="check_recorded",
        )
    if not finding.strip():
        raise InvalidInput("请填写核查情况。", "Describe what the check found.", field="finding")
    actor = actor_of(user)
    check.state = CheckState.passed if passed else CheckState.failed
    check.finding, check.checked_by, check.checked_at = finding.strip(), actor.name, now
    revoked = [] if passed else _revoke(session, check, actor, now)
    record(
        session,
        at=now,
        action=f"post_check.{check.state}",
        actor=actor,
        object_type="post_check",
        object_id=check.id,
        case_id=check.case_id,
        subject_id=check.case.applicant_id,
        opinion=check.finding,
        data={"item_code": check.item_code, "revoked": revoked},
    )
    return check


def _revoke(session: Session, check: PostCheck, actor: Actor, now: datetime) -> list[str]:
    reason = (
        f"告知承诺事后核查不合格：{check.finding}。申请人承诺不实，依据《国务院办公厅关于全面推行"
        "证明事项和涉企经营许可事项告知承诺制的指导意见》（国办发〔2020〕42号）撤销许可。"
    )
    reason_en = (  # the finding as the checker typed it
        f"The post-approval check of the commitment failed: {check.finding}. The applicant's "
        "commitment was untrue; the licence is revoked under the State Council General "
        "Office's guideline on the commitment system for certificates and business "
        "licences (Guobanfa [2020] No. 42)."
    )
    revoked = []
    for licence in licences.list_for_case(
        session, case_id=check.case_id, item_code=check.item_code
    ):
        if licence.status in ("valid", "suspended"):
            licences.revoke_for_cause(
                session, licence=licence, reason=reason, reason_en=reason_en, actor=actor, now=now
            )
            revoked.append(licence.number)
    return revoked


def run_due_post_checks(session: Session, *, now: datetime) -> list[str]:
    """Note each check that became overdue, once (audited ``post_check.overdue``): the
    case numbers. Idempotent: a noted check is not noted again."""
    query = select(PostCheck).where(
        PostCheck.state == CheckState.scheduled,
        PostCheck.due_at <= now,
        PostCheck.overdue_noted_at.is_(None),
    )
    noted = []
    for check in session.scalars(query.order_by(PostCheck.id)):
        check.overdue_noted_at = now
        record(
            session,
            at=now,
            action="post_check.overdue",
            actor=SYSTEM,
            object_type="post_check",
            object_id=check.id,
            case_id=check.case_id,
            data={"item_code": check.item_code, "department": check.department_code},
        )
        noted.append(check.case.number)
    return noted
