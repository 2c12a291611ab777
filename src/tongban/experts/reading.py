"""Reading expert panels: the panel sitting on a case, a case's panels, an expert's seats,
and whether a seat's expert may read the case now."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.errors import NotFound
from tongban.experts.enums import PanelState, SeatState
from tongban.experts.models import Expert, Panel, Seat

READING = (SeatState.accepted, SeatState.answered)  # seats that may read the case


def open_panel(session: Session, *, case: Case) -> Panel | None:
    """The panel sitting on the case now, if any."""
    query = select(Panel).where(Panel.case_id == case.id, Panel.state == PanelState.open)
    return session.scalar(query)


def for_case(session: Session, *, case: Case) -> Sequence[Panel]:
    """Every panel of a case, oldest first."""
    return session.scalars(select(Panel).where(Panel.case_id == case.id).order_by(Panel.id)).all()


def seats_of(session: Session, *, user: User) -> Sequence[Seat]:
    """The expert's seats, newest first."""
    query = select(Seat).join(Expert).where(Expert.user_id == user.id)
    return session.scalars(query.order_by(Seat.id.desc())).all()


def seat_of(session: Session, *, seat_id: int, user: User) -> Seat:
    """The user's own seat (NotFound for anyone else's, not revealing it exists)."""
    seat = session.get(Seat, seat_id)
    if seat is None or seat.expert.user_id != user.id:
        raise NotFound(f"没有找到评审 {seat_id}。", f"No panel seat {seat_id}.")
    return seat


def reads_case(seat: Seat) -> bool:
    """Whether the seat's expert reads the case now: declared no conflict, panel sitting."""
    return seat.panel.state == PanelState.open and seat.state in READING
