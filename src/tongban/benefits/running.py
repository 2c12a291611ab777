"""A run of a policy over a period: find, offer once (the unique key), tell or grant once
(the offer's row lock), count; and the worker's monthly sweep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.enums import UserKind
from tongban.accounts.models import User
from tongban.audit import service as audit
from tongban.audit.service import SYSTEM, Actor
from tongban.benefits.enums import GrantWay, OfferState
from tongban.benefits.finding import MOBILE, Policy, find_eligible
from tongban.benefits.granting import (
    audit_offer,
    get_policy,
    grant,
    list_policies,
    locked_offer,
)
from tongban.benefits.models import BenefitOffer, BenefitRun
from tongban.benefits.rules import Period
from tongban.db import insert_skipping_taken
from tongban.errors import DomainError
from tongban.files.store import FileStore
from tongban.pii.translation import equivalent_hashes
from tongban.sharing import service as sharing
from tongban.timefmt import local

BATCH = 500
Progress = Callable[[int, int], None]


def _insert_offers(
    session: Session, policy: Policy, period: Period, run: BenefitRun, eligible: dict[str, str]
) -> int:
    """Insert the offers not made yet (unique item, period, subject: a racing run's rows
    are skipped, never duplicated); a one-off policy skips every subject offered in any
    earlier period. How many were new."""
    keys, made = sorted(eligible), 0
    if policy.once:
        offered = select(BenefitOffer.subject_key).where(BenefitOffer.item_code == policy.code)
        keys = sorted(set(keys) - set(session.scalars(offered)))
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
            insert_skipping_taken(session, BenefitOffer)
            .values(rows)
            .on_conflict_do_nothing(index_elements=["item_code", "period", "subject_key"])
            .returning(BenefitOffer.id)
        )
        made += len(session.execute(statement).all())
    return made


def _accounts(session: Session, policy: Policy, keys: list[str]) -> dict[str, User]:
    """The verified applicant accounts (实名认证) of ``keys`` (stored keyed hashes of
    resident IDs or credit codes, an offer's ``subject_key``): an unverified account
    holding the number is not the person. Matched on the stored hashes in SQL, through the
    translation while the lookup key is rotated (an offer and its account may be stored
    under different keys then: ``pii.translation.equivalent_hashes``)."""
    enterprise = policy.subject == "enterprise"
    column = User.credit_code_key if enterprise else User.id_number_key
    kind = UserKind.enterprise if enterprise else UserKind.person
    offered_as: dict[str, str] = {}
    for key, hashes in equivalent_hashes(session, keys).items():
        offered_as.update({stored: key for stored in hashes})
    found: dict[str, User] = {}
    listed = sorted(offered_as)
    for start in range(0, len(listed), BATCH):
        query = select(column, User).where(
            column.in_(listed[start : start + BATCH]),
            User.kind == kind,
            User.identity_verified_at.is_not(None),
        )
        for stored, user in session.execute(query):
            found.setdefault(offered_as[str(stored)], user)  # stored: matched by IN, not NULL
    return found


def _deliver(
    session: Session, policy: Policy, offer_id: int, user: User, now: datetime, store: FileStore
) -> str | None:
    """Tell (one-click policy) or grant (no-action policy) one offer, once: ``notified``,
    ``granted``, or None when a racing run already did, or the grant could not be made
    (the reason kept on the offer for the next run)."""
    offer = locked_offer(session, offer_id)
    if offer.state != OfferState.offered:
        return None
    if policy.grant == GrantWay.accept:
        if offer.notified_at is not None:
            return None
        offer.notified_at, offer.user_id = now, user.id
        opinion = f"您符合“{policy.name}”（{offer.period}）条件，无需申请，请一键确认享受。"
        english = (
            f"You meet the conditions of '{policy.name_en or policy.name}' ({offer.period}) "
            "and need not apply: confirm with one click to receive it."
        )
        audit_offer(session, offer, "benefit.offered", SYSTEM, opinion, now, opinion_en=english)
        return "notified"
    try:
        with session.begin_nested():
            grant(session, policy, offer, user, SYSTEM, now, store)
            opinion = f"您已享受“{policy.name}”（{offer.period}），无需任何操作。"
            english = (
                f"'{policy.name_en or policy.name}' ({offer.period}) was granted to you; "
                "nothing needs to be done."
            )
            audit_offer(session, offer, "benefit.granted", SYSTEM, opinion, now, opinion_en=english)
    except DomainError as error:
        offer.note = error.message_zh[:300]
        return None
    return "granted"


def _text(session: Session, policy: Policy, offer_id: int, now: datetime) -> bool:
    """Tell a subject with no account by SMS, once: ``benefit.sms_offered``, which the
    outbox turns into a text to the mobile number their register holds, looked up as it
    leaves (``hooks.register_mobile``), so no number is written to the trail or the outbox.
    Whether this run sent it (False: an earlier or racing run did, or it was granted)."""
    offer = locked_offer(session, offer_id)
    if offer.state != OfferState.offered or offer.sms_at is not None:
        return False
    offer.sms_at = now
    name = policy.name_en or policy.name
    if policy.grant == GrantWay.accept:
        then = "即可在“我的免申即享”中一键确认享受。"
        then_en = "then confirm with one click in My benefits."
    else:  # no action: the first run that finds the account grants it (``_deliver``)
        then = "将在下一次比对时自动发放，无需确认。"
        then_en = "and the next run grants it, with nothing to confirm."
    opinion = (
        f"您符合“{policy.name}”（{offer.period}）条件，无需申请：在通办注册并完成实名认证后，"
        + then
    )
    english = (
        f"You meet the conditions of '{name}' ({offer.period}) and need not apply: register "
        "on Tongban and verify your identity, " + then_en
    )
    audit_offer(session, offer, "benefit.sms_offered", SYSTEM, opinion, now, opinion_en=english)
    sharing.log_access(
        session,
        at=now,
        fields={policy.base_source: [MOBILE]},
        subject_key=offer.subject_key,
        case_id=None,
        purpose=f"免申即享“{policy.name}”（{offer.period}）短信告知",
        purpose_en=f"Text message about the proactive benefit '{name}' ({offer.period})",
    )
    return True


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
    an earlier run; of a one-off policy, of an earlier period too: an enterprise that
    opens its account later gets its grant from the next run), text those without an
    account whose register holds a mobile number (``_text``), once per policy: a monthly
    allowance does not invite them again each month; the run with its counts,
    audited as ``benefit.run``.

    Idempotent: a second run of the same period adds no offer and tells nobody again.
    InvalidInput for a month after the current one (``Period.check_not_after``).
    """
    period.check_not_after(local(now).date())
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
    waiting_offers = select(BenefitOffer.id, BenefitOffer.subject_key).where(
        BenefitOffer.item_code == code, BenefitOffer.state == OfferState.offered
    )
    if not policy.once:  # a one-off offer waits for its subject's account in any later run
        waiting_offers = waiting_offers.where(BenefitOffer.period == period.label)
    waiting = session.execute(waiting_offers).all()
    users = _accounts(session, policy, [key for _, key in waiting])
    texted = set(  # a monthly allowance invites someone without an account once, not monthly
        session.scalars(
            select(BenefitOffer.subject_key).where(
                BenefitOffer.item_code == code, BenefitOffer.sms_at.is_not(None)
            )
        )
    )
    for offer_id, key in waiting:
        user = users.get(key)
        if user is None:
            run.without_account += 1
            if key in found.reachable and key not in texted:
                run.texted += _text(session, policy, offer_id, now)
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
            "texted": run.texted,
        },
    )
    return run


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
