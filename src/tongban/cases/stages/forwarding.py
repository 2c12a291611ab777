"""跨域通办 (cross-region handling): a service hall of another region receives an
application for an item of this one, checks the person's identity and materials, and
forwards it to the handling department (异地收件、属地受理).

The handling department accepts, decides and answers for the time limit, which runs from
the forwarding; its ratings and figures are the handling region's. The receiving
department keeps a read-only view of what it forwarded. Which items may be received
elsewhere is catalog data (``cross_region``: the 跨域通办事项清单).

Source: 《国务院办公厅关于加快推进政务服务"跨省通办"的指导意见》(国办发〔2020〕35号),
三 (异地代收代办); GB/T 2260 for the regions.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.cases.core import definition
from tongban.cases.core.definition import Definition
from tongban.cases.core.transition import record_case
from tongban.cases.models import Case
from tongban.catalog import reading as catalog
from tongban.catalog.models import Department
from tongban.errors import InvalidInput
from tongban.identifiers.divisions import within


def receiving_department(session: Session, case: Case, user: User) -> str | None:
    """The department of another region that ``user`` receives ``case`` for, or None when
    the case is received where it is handled (online, or at a hall of the handling
    region or a region within it: a district hall for a city's item).

    Raises InvalidInput when the item is not on the 跨域通办 list, saying where to go.
    """
    if case.created_by_id != user.id:
        return None
    return check_receivable(session, definition.spec_of(session, case), user)


def _regions(
    session: Session, spec: Definition, user: User
) -> tuple[Department, Department] | None:
    """The handling department of ``spec`` and staff member ``user``'s, when ``user``'s hall
    is of another region; None for an applicant, or a hall of the handling region or of a
    region within it."""
    if not user.is_staff or user.department_code is None:
        return None
    handling = catalog.get_department(session, code=spec["department"])
    receiving = catalog.get_department(session, code=user.department_code)
    if within(receiving.division_code, handling.division_code):
        return None
    return handling, receiving


def _on_list(spec: Definition) -> bool:
    """Whether every item of ``spec`` is on the 跨域通办 list (``cross_region``)."""
    return all(item.get("cross_region") for item in definition.items(spec))


def may_receive(session: Session, spec: Definition, user: User) -> bool:
    """Whether ``user`` may take in an application for ``spec`` at their hall: always in
    the handling region, elsewhere only an item on the 跨域通办 list."""
    return _regions(session, spec, user) is None or _on_list(spec)


def check_receivable(session: Session, spec: Definition, user: User) -> str | None:
    """Whether staff member ``user`` may take in an application for ``spec`` (an item's or
    bundle's definition) at their hall: the department of another region receiving it, or
    None when their department is of the handling region. Raises InvalidInput, saying
    where to apply, for an item off the 跨域通办 list received in another region."""
    regions = _regions(session, spec, user)
    if regions is None:
        return None
    handling, receiving = regions
    if not _on_list(spec):
        raise InvalidInput(
            f"“{spec['name']}”不在跨域通办事项清单内，不能异地收件；请申请人向"
            f"{handling.name}提交（可在网上办理）。",
            f"“{spec.get('name_en') or spec['name']}” is not on the cross-region list and "
            f"cannot be received here; the applicant applies to "
            f"{handling.name_en or handling.name} (online is possible).",
            code="not_cross_region",
        )
    return receiving.code


def forward(session: Session, case: Case, user: User, receiving: str, now: datetime) -> None:
    """Record that ``receiving`` took the case in and forwarded it to the handling
    department at ``now``; the timeline shows it to everyone who sees the case."""
    case.received_by_department = receiving
    case.forwarded_at = now
    record_case(
        session,
        now=now,
        action="case.forward",
        actor=actor_of(user),
        case=case,
        data={"from": receiving, "to": case.lead_department},
    )
