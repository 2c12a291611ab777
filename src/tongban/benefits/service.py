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
- subjects with no account yet are kept and, where their register holds a mobile number,
  texted once (``benefit.sms_offered``; the number is read from the register as the text
  leaves, never written to the trail or the outbox); they see the offer when they sign in,
  and the next run tells or grants them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.benefits.enums import OfferState
from tongban.benefits.finding import Policy
from tongban.benefits.granting import (
    audit_offer,
    get_policy,
    grant,
    list_policies,
    locked_offer,
    subject_key,
)
from tongban.benefits.models import BenefitOffer, BenefitRun
from tongban.benefits.rules import Period
from tongban.benefits.running import run_due_benefits, run_policy
from tongban.errors import Conflict, NotAllowed
from tongban.files.store import FileStore
from tongban.pii.service import same_identifier

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


def check_may_run(user: User, policy: Policy) -> None:
    """Only an approver of the policy's own department starts a run."""
    if user.department_code != policy.department or not user.has_role(Role.approver):
        raise NotAllowed(
            "只有政策所属部门的核准人员可以运行免申即享比对。",
            "Only an approver of the policy's department may run it.",
        )


def accept_offer(
    session: Session, *, offer_id: int, user: User, now: datetime, store: FileStore
) -> BenefitOffer:
    """One-click acceptance (一键确认) by the subject: the grant's case is opened and
    completed now. Conflict when already granted (a second click), NotAllowed for anyone
    but the subject."""
    offer = locked_offer(session, offer_id)
    if not same_identifier(subject_key(user), offer.subject_key) or user.is_staff:
        raise NotAllowed("这不是您的待遇。", "This benefit offer is not yours.")
    if offer.state == OfferState.granted:
        raise Conflict(
            "您已确认享受该待遇，无需重复操作。",
            "You have already accepted this benefit.",
            code="offer_granted",
        )
    policy = get_policy(session, code=offer.item_code)
    grant(session, policy, offer, user, actor_of(user), now, store)
    audit_offer(
        session, offer, "benefit.accepted", actor_of(user), policy.basis, now,
        opinion_en=policy.basis_en,
    )  # fmt: skip
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
