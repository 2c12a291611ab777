"""The world demo cases are made in: the session, a seeded random source, the calendar, the
file store, the simulated clock's hard stop, the catalog and the people who act."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.cases.enums import Channel
from tongban.files.store import FileStore
from tongban.workdays.calendar import WorkCalendar


@dataclass
class World:
    """Everything a demo case is made from, and the simulated clock's hard stop."""

    session: Session
    rng: random.Random
    cal: WorkCalendar
    store: FileStore
    end: datetime
    specs: dict[str, dict[str, Any]]
    applicants: list[User]
    staff: dict[tuple[str, Role], User]
    days: int = 30  # how far back the history reaches
    channels: tuple[Channel, ...] = field(default=())  # a mix to draw from (default: history's)
    pickup: bool = False  # some results collected at the window, where the item offers it


class CaseClock:
    """The simulated time of one case: only forward, never past the end."""

    def __init__(self, world: World, start: datetime) -> None:
        self.world, self.now = world, start

    def later(self, hours: float, *, before: datetime | None = None) -> datetime:
        """``hours`` office hours on; halfway to ``before`` if that would pass it."""
        moment = self.world.cal.add_working_hours(self.now, hours).due_at
        if before is not None and self.now < before <= moment:
            moment = self.now + (before - self.now) / 2
        return self.at(moment)

    def at(self, moment: datetime) -> datetime:
        self.now = min(max(self.now, moment), self.world.end)
        return self.now
