"""Proactive-benefit pages: my offers with one-click acceptance (``/my/benefits``), and the
runs of a department's policies for its approvers (``/benefits/runs``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from tongban.accounts.deps import CurrentApplicant, CurrentStaff
from tongban.accounts.enums import Role
from tongban.accounts.service import actor_of
from tongban.benefits import service as benefits
from tongban.cases.models import Case
from tongban.timefmt import local
from tongban.web.deps import CheckedForm, NowDep, SessionDep, StoreDep, see_other
from tongban.web.templating import render

router = APIRouter()


@router.get("/my/benefits")
def my_benefits(request: Request, session: SessionDep, user: CurrentApplicant) -> Response:
    """My proactive benefits: what I was found eligible for, to accept with one click, and
    what was granted, with its case."""
    offers = benefits.offers_for(session, user=user)
    names = {p.code: p for p in benefits.list_policies(session)}
    cases = {o.case_id: session.get(Case, o.case_id) for o in offers if o.case_id}
    context = {"offers": offers, "policies": names, "cases": cases}
    return render(request, "benefits/mine.html", context)


@router.post("/my/benefits/{offer_id}/accept")
def accept(
    offer_id: int,
    session: SessionDep,
    user: CurrentApplicant,
    now: NowDep,
    store: StoreDep,
    form: CheckedForm,
) -> Response:
    """One click: the benefit is granted, its case completed; on to the case page."""
    offer = benefits.accept_offer(session, offer_id=offer_id, user=user, now=now, store=store)
    case = session.get(Case, offer.case_id)
    assert case is not None
    return see_other(f"/cases/{case.number}")


@router.get("/benefits/runs")
def runs_page(request: Request, session: SessionDep, user: CurrentStaff, now: NowDep) -> Response:
    """The policies of my department with their latest runs and, for approvers, a button
    to run one over a month."""
    policies = benefits.list_policies(session, department=user.department_code or "")
    runs = {p.code: benefits.runs_of(session, code=p.code) for p in policies}
    context = {
        "policies": policies,
        "runs": runs,
        "may_run": user.has_role(Role.approver),
        "now_period": benefits.Period.of(local(now).date()).label,
    }
    return render(request, "benefits/runs.html", context)


@router.post("/benefits/runs/{code}")
def run(
    code: str,
    session: SessionDep,
    user: CurrentStaff,
    now: NowDep,
    store: StoreDep,
    form: CheckedForm,
) -> Response:
    """Run a policy over the month posted (``period``, YYYY-MM); back to the runs page."""
    policy = benefits.get_policy(session, code=code)
    benefits.check_may_run(user, policy)
    posted = form.get("period")
    period = benefits.Period.parse(posted if isinstance(posted, str) else "")
    benefits.run_policy(
        session, code=code, period=period, actor=actor_of(user), now=now, store=store
    )
    return see_other("/benefits/runs")
