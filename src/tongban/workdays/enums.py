"""Working-day calendar vocabulary."""

from enum import StrEnum


class CalendarYearStatus(StrEnum):
    # The State Council's arrangement for the year is recorded, make-up days included.
    official = "official"
    # Not yet published: deadlines use the statutory holidays only and may move.
    provisional = "provisional"
