"""Stored calendar years and their exception days (holidays and make-up working days)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Enum, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime
from tongban.timeutil import utcnow
from tongban.workdays.enums import CalendarYearStatus


class CalendarYear(Base):
    """Whether a year's arrangement is official, and where it came from."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    status: Mapped[CalendarYearStatus] = mapped_column(
        Enum(CalendarYearStatus, native_enum=False, length=12)
    )
    # e.g. "chinesecalendar 1.11.0" or "entered by admin"
    source: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CalendarDay(Base):
    """A date whose status differs from plain Monday–Friday (or names a holiday weekend)."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_workday: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str] = mapped_column(String(100))
