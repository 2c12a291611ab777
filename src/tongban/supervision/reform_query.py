"""The filters of the reform figures as sent by a page or the API: a period (the last
7, 30 or 90 days, or dates from … to), an item, a department, and day / week / month."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from tongban import textutil
from tongban.accounts.models import User
from tongban.cases.core import access
from tongban.catalog.models import CatalogEntry
from tongban.errors import InvalidInput, NotAllowed
from tongban.supervision.reform import PERS, ReformFilter


def for_supervisor(session: Session, user: User, where: ReformFilter) -> ReformFilter:
    """``where`` kept to the departments ``user`` supervises (a region's supervisor: those
    of the region, ``cases.core.access.oversight``; the platform's: all). Raises
    InvalidInput ``item`` for an item the catalog does not hold (published or withdrawn),
    NotAllowed for a department outside the region."""
    if where.item and session.get(CatalogEntry, where.item) is None:
        raise InvalidInput(
            f"目录中没有事项“{where.item[:30]}”，请从事项列表中选择或留空。",
            f"The catalog has no item '{where.item[:30]}'; choose one from the list or leave it empty.",
            field="item",
        )
    region = access.supervised_departments(session, user)
    if region is None:
        return where
    codes = tuple(session.scalars(region))
    if where.department and where.department not in codes:
        raise NotAllowed(
            "只能查看本辖区部门的指标。",
            "You may see the figures of your region's departments only.",
        )
    return replace(where, departments=codes)


DAYS = (7, 30, 90)
LONGEST = 366 * 3  # days one view or export may span


@dataclass(frozen=True)
class ReformQuery:
    where: ReformFilter
    per: str
    values: dict[str, str]  # as sent, for the form and the export buttons


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"日期“{text[:20]}”无法识别，请按 2026-11-30 的格式填写。",
            f"The date “{text[:20]}” is not understood; write it as 2026-11-30.",
            field=field,
        ) from None


def days_of(text: str) -> int:
    """``days`` as sent: 7, 30 or 90 (``DAYS``); InvalidInput ``days`` otherwise."""
    if text.isdigit() and int(text) in DAYS:
        return int(text)
    raise InvalidInput(
        f"统计期只能是近 7、30 或 90 天（days=7、30 或 90）；其他区间请用开始和结束日期（first、last）。"
        f"收到的是“{text[:10]}”。",
        f"The period is the last 7, 30 or 90 days (days=7, 30 or 90); for any other period give "
        f"first and last dates. Got '{text[:10]}'.",
        field="days",
    )


def parse(params: Mapping[str, str], *, now: datetime, tz: ZoneInfo) -> ReformQuery:
    """Read the filters; no ``days`` is 30, no ``per`` is a week; ``days`` other than 7,
    30 or 90 (``DAYS``: dates are chosen with ``first``/``last``), an unknown ``per``, a
    malformed date or a reversed or too long range is refused (``InvalidInput``)."""
    values = {
        k: params[k].strip()
        for k in ("days", "first", "last", "item", "department", "per")
        if params.get(k, "").strip()
    }
    today = now.astimezone(tz).date()
    days = days_of(values.get("days", "30"))
    first = (
        _date(values["first"], "first") if "first" in values else today - timedelta(days=days - 1)
    )
    last = _date(values["last"], "last") if "last" in values else today
    if first > last:
        raise InvalidInput(
            "开始日期晚于结束日期，请调换后重试。",
            "The first date is after the last one; swap them and try again.",
            field="first",
        )
    if (last - first).days >= LONGEST:
        raise InvalidInput(
            f"统计区间最长 {LONGEST} 天，请缩短区间。",
            f"A period may span at most {LONGEST} days; choose a shorter one.",
            field="first",
        )
    item = textutil.code(values["item"]) if values.get("item") else None
    department = textutil.code(values["department"]) if values.get("department") else None
    per = values.get("per", "week")
    if per not in PERS:
        raise InvalidInput(
            "统计粒度只能是按日、按周或按月（per=day、week 或 month）。",
            "Group the figures per day, week or month (per=day, week or month).",
            field="per",
        )
    return ReformQuery(ReformFilter(first, last, item or None, department or None), per, values)
