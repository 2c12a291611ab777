"""The benefits domain promises (免申即享, proactive benefits):

- a policy is the ``policy`` of a catalog item in mode ``proactive``: conditions on the
  fields of shared sources, read as data (``rules``), never evaluated as code;
- a run over a period (a month) finds every subject the policy covers (``finding``) and
  makes one offer per policy, period and subject: a unique key, so a rerun, or two runs
  racing, never offer or notify anyone twice;
- an offered person (or enterprise) with an account is told once (audit
  ``benefit.offered`` → outbox) and accepts with one click; a policy that grants with no
  action opens and completes the case at once (``benefit.granted``); either way the grant
  is a real case of the item with its result document (``cases.grant_case``);
- subjects with no account yet are kept: they see the offer when they sign in, and the
  next run tells or grants them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from tongban.accounts.enums import Role, UserKind
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit import service as audit
from tongban.audit.service import SYSTEM, Actor
from tongban.benefits.enums import GrantWay, OfferState
from tongban.benefits.finding import Policy, find_eligible
from tongban.benefits.models import BenefitOffer, BenefitRun
from tongban.benefits.rules import Period
from tongban.cases import service as cases
from tongban.catalog import service as catalog
from tongban.catalog.enums import ApprovalMode
from tongban.errors import Conflict, DomainError, NotAllowed, NotFound
from tongban.files.store import FileStore
from tongban.sharing import service as sharing
from tongban.timefmt import local

BATCH = 500
Progress = Callable[[int, int], None]

__all__ = [
    "Period",
    "Policy",
    "accept_offer",
    "check_may_run",
    "get_policy",
    "list_policies",
    "offers_for",
    "run_due_benefits",
    "run_policy",
    "runs_of",
    "subject_key",
]


def _policy(spec: dict[str, Any]) -> Policy:
    item = spec["items"][0]
    policy = item["policy"]
    return Policy(
        code=spec["code"],
        name=spec["name"],
        name_en=spec.get("name_en"),
        department=spec["department"],
        subject=policy["subject"],
        grant=policy["grant"],
        how=policy.get("how", ""),
        conditions=policy["conditions"],
        result_name=item["result"]["name"],
    )


def list_policies(session: Session, *, department: str | None = None) -> list[Policy]:
    """The policies of the published proactive items (of one department), by code."""
    found = []
    for entry in catalog.list_entries(session, department=department):
        spec = entry.current_version.definition if entry.current_version else None
        if spec and spec["approval_mode"] == ApprovalMode.proactive:
            found.append(_policy(spec))
    return found


def get_policy(session: Session, *, code: str) -> Policy:
    """The policy of proactive item ``code``; NotFound for any other entry."""
    entry = catalog.get_entry(session, code=code)
    spec = entry.current_version.definition if entry.current_version else None
    if spec is None or spec["approval_mode"] != ApprovalMode.proactive:
        raise NotFound(f"“{code}”不是免申即享事项。", f"'{code}' is not a proactive benefit.")
    return _policy(spec)


def check_may_run(user: User, policy: Policy) -> None:
    """Only an approver of the policy's own department starts a run."""
    if user.department_code != policy.department or not user.has_role(Role.approver):
        raise NotAllowed(
            "只有政策所属部门的核准人员可以运行免申即享比对。",
            "Only an approver of the policy's department may run it.",
        )


def subject_key(user: User) -> str | None:
    """Whose offers a user sees: an enterprise account its credit code, a person their ID."""
    return user.credit_code if user.kind == UserKind.enterprise else user.id_number


def _insert_offers(
    session: Session, policy: Policy, period: Period, run: BenefitRun, eligible: dict[str, str]
) -> int:
    """Insert the offers not made yet (unique item, period, subject: a racing run's rows
    are skipped, never duplicated); how many were new."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    keys, made = sorted(eligible), 0
    for start in range(0, len(keys), BATCH):
        rows = [
            {
                "item_code": policy.code,
                "period": period.label,
                "subject_key": key,
                "subject_name": eligible[key][:200],
                "grant_way": policy.grant,
                "state": OfferState.offered,
                "run_id": run.id,
                "found_at": run.started_at,
            }
            for key in keys[start : start + BATCH]
        ]
        statement = (
            insert(BenefitOffer)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["item_code", "period", "subject_key"])
            .returning(BenefitOffer.id)
        )
        made += len(session.execute(statement).all())
    return made


def _accounts(session: Session, policy: Policy, keys: list[str]) -> dict[str, User]:
    """The applicant accounts of ``keys`` (resident IDs or credit codes)."""
    enterprise = policy.subject == "enterprise"
    column = User.credit_code if enterprise else User.id_number
    kind = UserKind.enterprise if enterprise else UserKind.person
    found: dict[str, User] = {}
    for start in range(0, len(keys), BATCH):
        query = select(User).where(column.in_(keys[start : start + BATCH]), User.kind == kind)
        for user in session.scalars(query):
            found.setdefault(str(subject_key(user)), user)
    return found


def _locked(session: Session, offer_id: int) -> BenefitOffer:
    """The offer holding its row lock (a racing run or a double click waits, then sees
    what the other did)."""
    query = (
        select(BenefitOffer)
        .where(BenefitOffer.id == offer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    offer = session.scalar(query)
    if offer is None:
        raise NotFound("没有找到该待遇。", "No such benefit offer.")
    return offer


def _audit_offer(
    session: Session, offer: BenefitOffer, action: str, actor: Actor, opinion: str, now: datetime
) -> None:
    audit.record(
        session,
        at=now,
        action=action,
        actor=actor,
        object_type="benefit_offer",
        object_id=offer.id,
        case_id=offer.case_id,
        subject_id=offer.user_id,
        opinion=opinion,
        data={"item_code": offer.item_code, "period": offer.period},
    )


def _grant(
    session: Session,
    policy: Policy,
    offer: BenefitOffer,
    user: User,
    actor: Actor,
    now: datetime,
    store: FileStore,
) -> None:
    """The case of the grant, opened and completed now; the offer granted."""
    case = cases.grant_case(
        session,
        applicant=user,
        code=policy.code,
        actor=actor,
        basis=policy.basis,
        now=now,
        store=store,
    )
    offer.state, offer.case_id, offer.granted_at = OfferState.granted, case.id, now
    offer.user_id, offer.note = user.id, None
    offer.notified_at = offer.notified_at or now
    sharing.log_access(
        session,
        at=now,
        fields=policy.fields_used(),
        subject_key=offer.subject_key,
        case_id=case.id,
        purpose=f"免申即享“{policy.name}”（{offer.period}）资格比对",
    )


def _deliver(
    session: Session, policy: Policy, offer_id: int, user: User, now: datetime, store: FileStore
) -> str | None:
    """Tell (one-click policy) or grant (no-action policy) one offer, once: ``notified``,
    ``granted``, or None when a racing run already did, or the grant could not be made
    (the reason kept on the offer for the next run)."""
    offer = _locked(session, offer_id)
    if offer.state != OfferState.offered:
        return None
    if policy.grant == GrantWay.accept:
        if offer.notified_at is not None:
            return None
        offer.notified_at, offer.user_id = now, user.id
        opinion = f"您符合“{policy.name}”（{offer.period}）条件，无需申请，请一键确认享受。"
        _audit_offer(session, offer, "benefit.offered", SYSTEM, opinion, now)
        return "notified"
    try:
        with session.begin_nested():
            _grant(session, policy, offer, user, SYSTEM, now, store)
            opinion = f"您已享受“{policy.name}”（{offer.period}），无需任何操作。"
            _audit_offer(session, offer, "benefit.granted", SYSTEM, opinion, now)
    except DomainError as error:
        offer.note = error.message_zh[:300]
        return None
    return "granted"


def run_policy(
    session: Session,
    *,
    code: str,
    period: Period,
    actor: Actor,
    now: datetime,
    store: FileStore,
    progress: Progress | None = None,
) -> BenefitRun:
    """Run policy ``code`` over ``period``: offer everyone eligible not offered yet, tell or
    grant every offered subject that has an account and was not told yet (also offers of
    an earlier run); the run with its counts, audited as ``benefit.run``.

    Idempotent: a second run of the same period adds no offer and tells nobody again.
    """
    policy = get_policy(session, code=code)
    run = BenefitRun(item_code=code, period=period.label, actor_name=actor.name, started_at=now)
    session.add(run)
    session.flush()
    found = find_eligible(session, policy=policy, period=period, progress=progress)
    run.searched, run.eligible, run.undetermined = (
        found.searched,
        len(found.eligible),
        found.undetermined,
    )
    run.new_offers = _insert_offers(session, policy, period, run, found.eligible)
    waiting = session.execute(
        select(BenefitOffer.id, BenefitOffer.subject_key).where(
            BenefitOffer.item_code == code,
            BenefitOffer.period == period.label,
            BenefitOffer.state == OfferState.offered,
        )
    ).all()
    users = _accounts(session, policy, [key for _, key in waiting])
    for offer_id, key in waiting:
        user = users.get(key)
        if user is None:
            run.without_account += 1
            continue
        outcome = _deliver(session, policy, offer_id, user, now, store)
        run.notified += outcome == "notified"
        run.granted += outcome == "granted"
    run.finished_at = now
    audit.record(
        session,
        at=now,
        action="benefit.run",
        actor=actor,
        object_type="benefit_run",
        object_id=run.id,
        data={
            "item_code": code,
            "period": period.label,
            "eligible": run.eligible,
            "new_offers": run.new_offers,
            "notified": run.notified,
            "granted": run.granted,
        },
    )
    return run


def accept_offer(
    session: Session, *, offer_id: int, user: User, now: datetime, store: FileStore
) -> BenefitOffer:
    """One-click acceptance (一键确认) by the subject: the grant's case is opened and
    completed now. Conflict when already granted (a second click), NotAllowed for anyone
    but the subject."""
    offer = _locked(session, offer_id)
    if subject_key(user) != offer.subject_key or user.is_staff:
        raise NotAllowed("这不是您的待遇。", "This benefit offer is not yours.")
    if offer.state == OfferState.granted:
        raise Conflict(
            "您已确认享受该待遇，无需重复操作。",
            "You have already accepted this benefit.",
            code="offer_granted",
        )
    policy = get_policy(session, code=offer.item_code)
    _grant(session, policy, offer, user, actor_of(user), now, store)
    _audit_offer(session, offer, "benefit.accepted", actor_of(user), policy.basis, now)
    return offer


def offers_for(session: Session, *, user: User) -> Sequence[BenefitOffer]:
    """The user's offers (by their resident ID, or their enterprise's credit code), newest
    period first."""
    key = subject_key(user)
    if not key or user.is_staff:
        return []
    query = select(BenefitOffer).where(BenefitOffer.subject_key == key)
    return session.scalars(query.order_by(BenefitOffer.period.desc(), BenefitOffer.id)).all()


def runs_of(session: Session, *, code: str, limit: int = 10) -> Sequence[BenefitRun]:
    """The latest runs of a policy, newest first."""
    query = select(BenefitRun).where(BenefitRun.item_code == code)
    return session.scalars(query.order_by(BenefitRun.id.desc()).limit(limit)).all()


def run_due_benefits(session: Session, *, now: datetime, store: FileStore) -> list[str]:
    """The worker's monthly sweep: each policy runs once in each month (its first run of
    the month, local time); returns what ran (``3501-MZ-002 2026-11``)."""
    period = Period.of(local(now).date())
    ran = []
    for policy in list_policies(session):
        done = session.scalar(
            select(BenefitRun.id).where(
                BenefitRun.item_code == policy.code, BenefitRun.period == period.label
            )
        )
        if done is None:
            run_policy(session, code=policy.code, period=period, actor=SYSTEM, now=now, store=store)
            ran.append(f"{policy.code} {period.label}")
    return ran
