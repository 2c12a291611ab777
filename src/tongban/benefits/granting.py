"""Policies as the catalog states them, and the grant of one offer: its case opened and
completed through ``cases.grant_case``, the offer marked granted, the data use logged."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.enums import UserKind
from tongban.accounts.models import User
from tongban.audit import service as audit
from tongban.audit.service import Actor
from tongban.benefits.enums import OfferState
from tongban.benefits.finding import Policy
from tongban.benefits.models import BenefitOffer
from tongban.cases import service as cases
from tongban.cases.core import hooks
from tongban.catalog import service as catalog
from tongban.catalog.enums import ApprovalMode
from tongban.errors import NotFound
from tongban.files.store import FileStore
from tongban.sharing import service as sharing


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
        once=policy.get("period") == "once",
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


def subject_key(user: User) -> str | None:
    """Whose offers a user sees: an enterprise account its credit code, a person their ID,
    once the account's identity was verified (实名认证); None before, so a number typed at
    sign-up never claims another person's benefit."""
    if user.identity_verified_at is None:
        return None
    return user.credit_code if user.kind == UserKind.enterprise else user.id_number


def locked_offer(session: Session, offer_id: int) -> BenefitOffer:
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


def audit_offer(
    session: Session,
    offer: BenefitOffer,
    action: str,
    actor: Actor,
    opinion: str,
    now: datetime,
    *,
    opinion_en: str | None = None,
) -> None:
    """The offer's step on the trail: ``opinion`` as it is shown, with ``opinion_en`` its
    English where the platform wrote it (English timelines and the API show it)."""
    english = {"opinion_en": opinion_en} if opinion_en else {}
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
        data={"item_code": offer.item_code, "period": offer.period, **english},
    )


def grant(
    session: Session,
    policy: Policy,
    offer: BenefitOffer,
    user: User,
    actor: Actor,
    now: datetime,
    store: FileStore,
) -> None:
    """The case of the grant, opened and completed now; the offer granted. The grounds
    (``policy.basis``) are a platform text: English pages show ``basis_en``."""
    hooks.OPINIONS_EN[policy.basis] = policy.basis_en
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
        purpose_en=f"Eligibility check for the proactive benefit "
        f"'{policy.name_en or policy.name}' ({offer.period})",
    )
