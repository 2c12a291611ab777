"""Aware-UTC time helpers; the database stores naive UTC."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Current time as an aware UTC datetime."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """Treat a naive value as UTC and convert an aware one to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months (back for a negative count); a day the target month
    lacks (29 February, 31 April) becomes the first day of the next month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if day.day > last:
        return date(year, month + 2, 1) if month < 11 else date(year + 1, 1, 1)
    return date(year, month + 1, day.day)
