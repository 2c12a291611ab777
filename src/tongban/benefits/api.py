"""Proactive benefits in the JSON API: my offers and one-click acceptance; policies and
their runs for staff of the owning department."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentApplicant, CurrentStaff
from tongban.accounts.service import actor_of
from tongban.benefits import service as benefits
from tongban.benefits.models import BenefitOffer
from tongban.benefits.schemas import OfferRead, PolicyRead, RunCreate, RunRead
from tongban.cases.models import Case
from tongban.web.deps import NowDep, SessionDep, StoreDep

router = APIRouter(tags=["benefits"])


def _read(session: Session, offer: BenefitOffer) -> OfferRead:
    case = session.get(Case, offer.case_id) if offer.case_id else None
    policy = benefits.get_policy(session, code=offer.item_code)
    return OfferRead.of(offer, policy=policy, case_number=case.number if case else None)


@router.get("/benefits/offers")
def my_offers(session: SessionDep, user: CurrentApplicant) -> list[OfferRead]:
    """My proactive benefits (免申即享): offered (to accept) and granted (with the case)."""
    return [_read(session, offer) for offer in benefits.offers_for(session, user=user)]


@router.post("/benefits/offers/{offer_id}/accept")
def accept(
    offer_id: int, session: SessionDep, user: CurrentApplicant, now: NowDep, store: StoreDep
) -> OfferRead:
    """Accept an offer with one click: the case is opened and completed at once (409 when
    already accepted)."""
    offer = benefits.accept_offer(session, offer_id=offer_id, user=user, now=now, store=store)
    return _read(session, offer)


@router.get("/benefits/policies")
def policies(session: SessionDep) -> list[PolicyRead]:
    """Every published proactive policy with its conditions."""
    return [PolicyRead.of(policy) for policy in benefits.list_policies(session)]


@router.post("/benefits/policies/{code}/runs", status_code=201)
def run(
    code: str,
    body: RunCreate,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    store: StoreDep,
) -> RunRead:
    """Run a policy over a month (approvers of its department): offers everyone eligible
    not offered yet; nobody is told twice."""
    policy = benefits.get_policy(session, code=code)
    benefits.check_may_run(user, policy)
    period = benefits.Period.parse(body.period)
    done = benefits.run_policy(
        session, code=code, period=period, actor=actor_of(user), now=now, store=store
    )
    return RunRead.model_validate(done)


@router.get("/benefits/policies/{code}/runs")
def runs(code: str, session: SessionDep, user: CurrentStaff) -> list[RunRead]:
    """The latest runs of a policy (staff of its department)."""
    policy = benefits.get_policy(session, code=code)
    benefits.check_may_run(user, policy)
    return [RunRead.model_validate(r) for r in benefits.runs_of(session, code=code)]
