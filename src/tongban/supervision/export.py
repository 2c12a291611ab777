"""Exporting the reform figures (数据导出) as CSV or Excel: one table, a line for the whole
selection, each period, each item and each department, the same columns in both formats.
Every export is audited (``supervision.exported``) with its filters and format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum

from openpyxl import Workbook
from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.accounts.models import User
from tongban.audit import service as audit
from tongban.supervision.reform import Reform, ReformFigures


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


MEDIA = {
    Format.csv: "text/csv; charset=utf-8",
    Format.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COUNT_COLUMNS = (("received", "收件量"), ("decided", "办结量"), ("rated", "评价数"))
RATE_COLUMNS = (
    ("online_applied_rate", "网上申办率"),
    ("fully_online_rate", "全程网办率"),
    ("on_time_rate", "按时办结率"),
    ("materials_cut", "减材料"),
    ("trips_cut", "减跑动"),
    ("steps_cut", "减环节"),
    ("time_cut", "时间压缩（对法定时限）"),
    ("promise_cut", "承诺时限压缩"),
    ("backfill_rate", "回填率"),
    ("satisfaction_rate", "好评率"),
    ("rectification_rate", "差评整改率"),
)
HEADER = ["分组", "代码", "名称", *(n for _k, n in COUNT_COLUMNS), *(n for _k, n in RATE_COLUMNS)]


def table(
    figures: ReformFigures, *, items: Mapping[str, str], departments: Mapping[str, str]
) -> list[list[object]]:
    """The export's lines, header first; rates as fractions (0.53), empty when unknown."""

    def line(group: str, code: str, name: str, reform: Reform) -> list[object]:
        rates = reform.rates
        counts = [int(reform[key]) for key, _n in COUNT_COLUMNS]
        return [
            group,
            code,
            name,
            *counts,
            *("" if rates[k] is None else rates[k] for k, _n in RATE_COLUMNS),
        ]

    header: list[object] = list(HEADER)
    lines: list[list[object]] = [header]
    where = figures.where
    lines.append(line("合计", "", f"{where.first} 至 {where.last}", figures.total))
    lines += [line("周期", start.isoformat(), start.isoformat(), r) for start, r in figures.series]
    lines += [line("事项", c, items.get(c, c), r) for c, r in figures.items.items()]
    lines += [line("部门", c, departments.get(c, c), r) for c, r in figures.departments.items()]
    return lines


def render(lines: list[list[object]], fmt: Format) -> bytes:
    """CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese) or an .xlsx workbook."""
    if fmt == Format.csv:
        text = io.StringIO()
        csv.writer(text).writerows(lines)
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "改革成效"
    for line in lines:
        sheet.append(line)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export(
    session: Session,
    *,
    figures: ReformFigures,
    fmt: Format,
    user: User,
    now: datetime,
    items: Mapping[str, str],
    departments: Mapping[str, str],
) -> tuple[bytes, str]:
    """The file and its name; writes the audit entry of the export (a data export)."""
    lines = table(figures, items=items, departments=departments)
    where = figures.where
    audit.record(
        session,
        at=now,
        action="supervision.exported",
        actor=accounts.actor_of(user),
        object_type="metric_days",
        object_id=f"{where.first}..{where.last}",
        data={
            "format": str(fmt),
            "first": where.first.isoformat(),
            "last": where.last.isoformat(),
            "item": where.item,
            "department": where.department,
            "per": figures.per,
            "lines": len(lines) - 1,
        },
    )
    return render(lines, fmt), f"reform-{where.first}-{where.last}.{fmt}"
