"""Convening a panel, reading its seats, and an expert's declaration and opinion, as the
expert review tests do them (each in a unit of work of its own, as a request would)."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from tests.experts.conftest import Unit
from tongban.accounts import service as accounts
from tongban.accounts.models import User
from tongban.experts import service as experts
from tongban.experts.models import Panel


def _user(session: Any, username: str) -> User:
    user = accounts.find_user(session, username=username)
    assert user is not None, username
    return user


def convene(unit: Unit, task: dict[str, Any], now: datetime, **given: Any) -> int:
    asked = {"field": "health", "size": 2, "working_days": 5, "question": "辐射防护措施是否充分？"}
    with unit() as session:
        user = _user(session, given.pop("by", "wjw"))
        panel = experts.convene(
            session,
            task_id=task["id"],
            user=user,
            now=now,
            rng=random.Random(16),
            **(asked | given),
        )
        return panel.id


def seats_of(unit: Unit, panel_id: int) -> dict[str, tuple[int, str]]:
    """username → (seat id, state) of a panel."""
    with unit() as session:
        panel = session.get_one(Panel, panel_id)
        return {s.expert.user.username: (s.id, s.state) for s in panel.seats}


def answer(unit: Unit, username: str, seat_id: int, now: datetime, verdict: str = "agree") -> None:
    with unit() as session:
        user = _user(session, username)
        experts.declare(session, seat_id=seat_id, user=user, conflict=False, reason="", now=now)
        experts.give_opinion(
            session, seat_id=seat_id, user=user, verdict=verdict, text="防护措施充分。", now=now
        )


def recuse(unit: Unit, username: str, seat_id: int, now: datetime, reason: str) -> None:
    """``username`` declares a conflict of interest on the seat and so leaves the panel."""
    with unit() as session:
        user = _user(session, username)
        experts.declare(session, seat_id=seat_id, user=user, conflict=True, reason=reason, now=now)
