"""A rating as lists and cards show it: with its case, its appeal and how urgent it is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tongban import timefmt
from tongban.cases.models import Case
from tongban.ratings import rules
from tongban.ratings.models import Rating, RatingAppeal


@dataclass(frozen=True)
class Callback:
    """One recorded call-back attempt (回访): when, by whom, the note, and whether it
    reached the applicant (only the last one may have)."""

    at: datetime
    by: str
    note: str
    reached: bool


@dataclass(frozen=True)
class RatingRow:
    """A rating with its case, as seen at ``now``."""

    rating: Rating
    case: Case  # its number, and its title in a page's language (``case_title``)
    now: datetime
    appeal: RatingAppeal | None = None
    callbacks: tuple[Callback, ...] = ()  # every call-back attempt, oldest first

    @property
    def excluded(self) -> bool:
        """Taken out of the figures by an upheld appeal."""
        return self.appeal is not None and self.appeal.outcome == "upheld"

    @property
    def bad(self) -> bool:
        return rules.is_bad(self.rating.score)

    @property
    def open(self) -> bool:
        """A bad rating still waiting for its rectification (not one an appeal removed)."""
        return self.bad and self.rating.rectified_at is None and not self.excluded

    @property
    def awaiting_callback(self) -> bool:
        """Rectified, the applicant not reached by a call-back yet (none recorded, or only
        attempts that did not reach them)."""
        return self.rating.rectified_at is not None and not self.rating.callback_reached

    @property
    def overdue(self) -> bool:
        """Open, and its due time has come (like a clock: overdue from ``due_at`` on)."""
        due = self.rating.rectify_due_at
        return self.open and due is not None and self.now >= due

    @property
    def late(self) -> bool:
        """Rectified, but not before the due time."""
        done, due = self.rating.rectified_at, self.rating.rectify_due_at
        return done is not None and due is not None and done >= due

    @property
    def minutes_left(self) -> int | None:
        """Whole clock minutes until the rectification is due, rounded down (negative:
        overdue, a minute begun counting); None unless open."""
        due = self.rating.rectify_due_at
        if not self.open or due is None:
            return None
        if self.overdue:
            return -timefmt.whole_minutes(self.now - due, overdue=True)
        return timefmt.whole_minutes(due - self.now)

    @property
    def urgency(self) -> str | None:
        due = self.rating.rectify_due_at
        if not self.open or due is None:
            return None
        return rules.urgency(due_at=due, now=self.now, limit=due - self.rating.created_at)
