"""Pre-aggregated reform figures (改革成效指标): one row per local day, item, department and
channel (办事渠道: the case's for the case counts, the rating's for the rating counts); and the department table's cases finished per local day
(``DepartmentDay``).

The dashboard and the cockpit read these rows (a bounded number: days × items), never
the cases themselves. Every count is keyed by the day of the event that settles it (a
decision, a finished task, a rating), so a past day's row never changes once the day is
over, but for its ratings: a later rectification or upheld appeal rewrites the rating's
day (``tasks.refresh``); ``supervision.daily`` writes them, docs/metrics.md defines them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Float, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tongban.db import Base, UTCDateTime

COUNTS = (
    "received",
    "received_online",
    "decided",
    "decided_on_time",
    "fully_online",
    "trips",
    "trips_baseline",
    "materials_baseline",
    "materials_uploaded",
    "steps",
    "steps_baseline",
    "fields",
    "fields_pulled",
    "rated",
    "rated_good",
    "rated_bad",
    "rectified",
    "rectified_on_time",
    "guided",
    "materials_listed",
    "materials_asked",
)
SUMS = ("elapsed_days", "legal_days", "promised_days")
# the rating counts: the pages count them from the ratings when drawn (``reform.rated_rows``)
RATED = ("rated", "rated_good", "rated_bad", "rectified", "rectified_on_time")


class MetricDay(Base):
    """The reform counts of one local ``day``, catalog item (or bundle), department and
    channel: the case's for the case and task counts, the rating's own (评价渠道,
    ``ratings.enums.RatingChannel``) for ``rated`` … ``rectified_on_time`` ("" in rows
    written before the channel was kept)."""

    __tablename__ = "metric_days"
    __table_args__ = (UniqueConstraint("day", "item_code", "department_code", "channel"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    item_code: Mapped[str] = mapped_column(String(40))
    department_code: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10), default="", server_default="")
    received: Mapped[int] = mapped_column(Integer, default=0)
    received_online: Mapped[int] = mapped_column(Integer, default=0)
    decided: Mapped[int] = mapped_column(Integer, default=0)
    decided_on_time: Mapped[int] = mapped_column(Integer, default=0)
    fully_online: Mapped[int] = mapped_column(Integer, default=0)
    trips: Mapped[int] = mapped_column(Integer, default=0)
    trips_baseline: Mapped[int] = mapped_column(Integer, default=0)
    materials_baseline: Mapped[int] = mapped_column(Integer, default=0)
    materials_uploaded: Mapped[int] = mapped_column(Integer, default=0)
    steps: Mapped[int] = mapped_column(Integer, default=0)
    steps_baseline: Mapped[int] = mapped_column(Integer, default=0)
    fields: Mapped[int] = mapped_column(Integer, default=0)
    fields_pulled: Mapped[int] = mapped_column(Integer, default=0)
    elapsed_days: Mapped[float] = mapped_column(Float, default=0.0)  # working days
    legal_days: Mapped[float] = mapped_column(Float, default=0.0)
    promised_days: Mapped[float] = mapped_column(Float, default=0.0)
    rated: Mapped[int] = mapped_column(Integer, default=0)
    rated_good: Mapped[int] = mapped_column(Integer, default=0)
    rated_bad: Mapped[int] = mapped_column(Integer, default=0)
    rectified: Mapped[int] = mapped_column(Integer, default=0)
    rectified_on_time: Mapped[int] = mapped_column(Integer, default=0)
    # 情形引导: the cases received that answered the situation questions, and the materials
    # of their entries' full lists and those their answers asked (``cases.materials_*``)
    guided: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    materials_listed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    materials_asked: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # stage → {"n": tasks, "hours": office hours summed, "hist": {whole hours: tasks}}
    stages: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class DepartmentDay(Base):
    """How many cases ``department_code`` finished a task of on one local ``day``
    (``status`` "finished"), or finished a task of at or after the task's due time
    ("late"), by ``since``: the department's previous day of the same kind for the same
    case (None: none before). A period's distinct cases (the department table, as its
    drill-down lists them) are the sum of ``cases`` over the period's rows whose ``since``
    is None or before the period: a case is counted on its first such day within it."""

    __tablename__ = "metric_department_days"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(Date, index=True)
    department_code: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10))  # measures.Status.finished or .late
    since: Mapped[date | None] = mapped_column(Date)
    cases: Mapped[int] = mapped_column(Integer)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
