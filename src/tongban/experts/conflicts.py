"""Conflicts of interest (回避) of expert panels: who is never drawn for a case, and who
is left to draw."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.cases.models import Case
from tongban.experts.enums import SeatState
from tongban.experts.models import Expert, Panel, Seat
from tongban.experts.register import list_experts


def conflicted(expert: Expert, case: Case) -> bool:
    """回避: the expert is the applicant, or works for the applicant enterprise."""
    credit = case.applicant.credit_code
    return expert.user_id == case.applicant_id or (
        credit is not None and expert.employer_credit_code == credit
    )


def recused_on(session: Session, case: Case) -> set[int]:
    """The experts who declared a conflict (回避) on any panel of the case: a conflict is
    with the case, not with one panel, so none of them is drawn for it again."""
    query = (
        select(Seat.expert_id)
        .join(Panel, Seat.panel_id == Panel.id)
        .where(Panel.case_id == case.id, Seat.state == SeatState.recused)
    )
    return set(session.scalars(query))


def free_experts(session: Session, case: Case, field: str, seated: set[int]) -> list[Expert]:
    """Active experts of ``field`` free of conflict with the case (none who recused on it
    before), not seated on the panel."""
    left_out = seated | recused_on(session, case)
    return [
        expert
        for expert in list_experts(session, field=field)
        if expert.id not in left_out and not conflicted(expert, case)
    ]
