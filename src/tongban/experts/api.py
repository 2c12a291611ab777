"""JSON API of expert review (专家评审): the expert's seats, the declaration on opening
(回避 or not) and the opinion; the reviewer sends a task's case to a panel; the staff who
may see a case read its panels and opinions. Attachments are given on the pages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from tongban.accounts.deps import CurrentStaff, require_roles
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.http.bodies import RowId
from tongban.experts import service as experts
from tongban.experts.models import Panel, Seat
from tongban.experts.schemas import (
    Declaration,
    OpinionCreate,
    OpinionRead,
    PanelCreate,
    PanelRead,
    SeatRead,
)
from tongban.web.deps import NowDep, SessionDep

router = APIRouter(tags=["experts"])
ExpertUser = Annotated[User, Depends(require_roles(Role.expert))]


def _seat(seat: Seat) -> SeatRead:
    panel = seat.panel
    return SeatRead(
        id=seat.id,
        panel_id=panel.id,
        case_number=panel.case.number,
        field=panel.field,
        question=panel.question,
        due_at=panel.due_at,
        panel_state=panel.state,
        state=seat.state,
        reads_case=experts.reads_case(seat),
        recusal=seat.recusal,
        verdict=seat.verdict,
        opinion=seat.opinion,
        answered_at=seat.answered_at,
    )


def _panels(panels: Sequence[Panel]) -> list[PanelRead]:
    return [
        PanelRead(
            id=panel.id,
            case_number=panel.case.number,
            field=panel.field,
            size=panel.size,
            question=panel.question,
            convened_by=panel.convened_by,
            convened_at=panel.convened_at,
            due_at=panel.due_at,
            state=panel.state,
            closed_at=panel.closed_at,
            closed_why=panel.closed_why,
            seats=[
                OpinionRead(
                    expert=seat.expert.name,
                    state=seat.state,
                    recusal=seat.recusal,
                    verdict=seat.verdict,
                    opinion=seat.opinion,
                    answered_at=seat.answered_at,
                    has_attachment=seat.attachment_key is not None,
                )
                for seat in panel.seats
            ],
        )
        for panel in panels
    ]


def _own(session: Session, seat_id: int, user: User) -> SeatRead:
    return _seat(experts.seat_of(session, seat_id=seat_id, user=user))


@router.get("/experts/seats")
def list_seats(session: SessionDep, user: ExpertUser) -> list[SeatRead]:
    """Your seats on expert panels, newest first."""
    return [_seat(seat) for seat in experts.seats_of(session, user=user)]


@router.get("/experts/seats/{seat_id}")
def read_seat(seat_id: RowId, session: SessionDep, user: ExpertUser) -> SeatRead:
    """One of your seats (404 for anyone else's)."""
    return _own(session, seat_id, user)


@router.post("/experts/seats/{seat_id}/declaration")
def declare(
    seat_id: RowId, body: Declaration, session: SessionDep, user: ExpertUser, now: NowDep
) -> SeatRead:
    """No conflict (the case opens to you, audited) or a conflict with its reason (回避:
    another expert is drawn in your place). 409 once declared or after the panel ended."""
    experts.declare(
        session, seat_id=seat_id, user=user, conflict=body.conflict, reason=body.reason, now=now
    )
    return _own(session, seat_id, user)


@router.post("/experts/seats/{seat_id}/opinion")
def give_opinion(
    seat_id: RowId, body: OpinionCreate, session: SessionDep, user: ExpertUser, now: NowDep
) -> SeatRead:
    """Your opinion, once, after declaring no conflict; the last one ends the panel and the
    case's clock runs again."""
    experts.give_opinion(
        session, seat_id=seat_id, user=user, verdict=body.verdict, text=body.opinion, now=now
    )
    return _own(session, seat_id, user)


@router.post("/tasks/{task_id}/expert-panels", status_code=201)
def convene(
    task_id: RowId, body: PanelCreate, session: SessionDep, user: CurrentStaff, now: NowDep
) -> PanelRead:
    """The holder of an open review or decision task sends its case to experts of a field
    drawn at random, due in working days; the case's clock pauses (art. 45)."""
    panel = experts.convene(
        session,
        task_id=task_id,
        user=user,
        field=body.field,
        size=body.size,
        working_days=body.working_days,
        question=body.question,
        now=now,
    )
    return _panels([panel])[0]


@router.get("/cases/{number}/expert-panels")
def case_panels(number: str, session: SessionDep, user: CurrentStaff) -> list[PanelRead]:
    """The panels of a case and their opinions, to the staff who may see the case."""
    case = cases.get_case(session, number=number, user=user)
    return _panels(experts.for_case(session, case=case))
