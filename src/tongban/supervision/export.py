"""Exporting the reform figures (数据导出) as CSV or Excel: one table, a line for the whole
selection, each period, each item, each department and each channel (the case counts by
the case's channel, the ratings by the channel each was given through), the same columns
in both formats,
named in the reader's language; every figure the reform page shows is in it.
Every export is audited (``supervision.exported``) with its filters and format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum

from openpyxl import Workbook
from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.accounts.models import User
from tongban.audit import service as audit
from tongban.cases.core.queries import STAGE_NAMES_ZH
from tongban.cases.enums import Stage
from tongban.supervision.naming import CHANNEL_ROW_NAMES
from tongban.supervision.reform import STAGE_ORDER, Reform, ReformFigures


class Format(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


MEDIA = {
    Format.csv: "text/csv; charset=utf-8",
    Format.xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# the counts each rate is computed from, as the page states them beside it
COUNT_COLUMNS = (
    ("received", "收件量"),
    ("decided", "办结量"),
    ("rated", "评价数"),
    ("received_online", "网上收件量"),
    ("fully_online", "全程网办件数"),
    ("decided_on_time", "按时办结件数"),
    ("materials_uploaded", "上传材料份数"),
    ("materials_baseline", "基准材料份数"),
    ("guided", "情形引导办件数"),
    ("materials_listed", "完整清单材料份数"),
    ("materials_asked", "情形引导后需交材料份数"),
    ("trips", "跑动次数"),
    ("trips_baseline", "基准跑动次数"),
    ("steps", "环节数"),
    ("steps_baseline", "基准环节数"),
    ("fields_pulled", "回填字段数"),
    ("fields", "表单字段数"),
    ("rated_good", "好评数"),
    ("rated_bad", "差评数"),
    ("rectified", "已整改差评数"),
)
DAY_COLUMNS = (
    ("elapsed_days", "实际用时（工作日）"),
    ("promised_days", "承诺时限（工作日）"),
    ("legal_days", "法定时限（工作日）"),
)
RATE_COLUMNS = (
    ("online_applied_rate", "网上申办率"),
    ("fully_online_rate", "全程网办率"),
    ("on_time_rate", "按时办结率"),
    ("materials_cut", "减材料"),
    ("situation_cut", "情形引导减少材料"),
    ("trips_cut", "减跑动"),
    ("steps_cut", "减环节"),
    ("time_cut", "时间压缩（对法定时限）"),
    ("promise_cut", "承诺时限压缩"),
    ("backfill_rate", "回填率"),
    ("satisfaction_rate", "好评率"),
    ("rectification_rate", "差评整改率"),
)
# of the catalog's items in force, for the whole selection (its 合计 line)
CATALOG_COLUMNS = (
    ("items", "目录事项数"),
    ("online_available_rate", "网上可办率"),
    ("fully_online_available_rate", "全程网办可办率"),
)
# each stage's tasks, average and 90th percentile in office hours (the 合计 line)
STAGE_COLUMNS = (
    ("n", "任务数"),
    ("average", "平均用时（办公小时）"),
    ("p90", "第 90 百分位（办公小时）"),
)
Gettext = Callable[..., str]


def header(gettext: Gettext) -> list[object]:
    """The export's column names in the reader's language."""
    named = (*COUNT_COLUMNS, *DAY_COLUMNS, *RATE_COLUMNS, *CATALOG_COLUMNS)
    stages = [
        gettext(
            "%(stage)s：%(figure)s",
            stage=gettext(STAGE_NAMES_ZH[Stage(stage)]),
            figure=gettext(name),
        )
        for stage in STAGE_ORDER
        for _key, name in STAGE_COLUMNS
    ]
    return [
        gettext("分组"),
        gettext("代码"),
        gettext("名称"),
        *(gettext(n) for _k, n in named),
        *stages,
    ]


def _whole(figures: ReformFigures) -> list[object]:
    """The catalog's figures and the stage times, which the page gives for the whole
    selection only."""
    stages = figures.total.stages
    times = [
        "" if stage not in stages else getattr(stages[stage], key)
        for stage in STAGE_ORDER
        for key, _name in STAGE_COLUMNS
    ]
    catalog = [
        "" if figures.catalog[k] is None else figures.catalog[k] for k, _n in CATALOG_COLUMNS
    ]
    return [*catalog, *("" if value is None else value for value in times)]


def table(
    figures: ReformFigures,
    *,
    items: Mapping[str, str],
    departments: Mapping[str, str],
    gettext: Gettext,
) -> list[list[object]]:
    """The export's lines, header first, in the language of ``gettext``: every figure of
    the page; rates as fractions (0.53), empty when unknown; the catalog's rates and the
    stage times (office hours) on the whole selection's line only, as the page gives them."""
    blank: list[object] = [""] * (len(CATALOG_COLUMNS) + len(STAGE_ORDER) * len(STAGE_COLUMNS))

    def line(group: str, code: str, name: str, reform: Reform, whole: list[object]) -> list[object]:
        rates = reform.rates
        return [
            gettext(group),
            code,
            name,
            *(int(reform[key]) for key, _n in COUNT_COLUMNS),
            *(round(reform[key], 1) for key, _n in DAY_COLUMNS),
            *("" if rates[k] is None else rates[k] for k, _n in RATE_COLUMNS),
            *whole,
        ]

    where = figures.where
    span = gettext(
        "%(first)s 至 %(last)s", first=where.first.isoformat(), last=where.last.isoformat()
    )
    lines: list[list[object]] = [header(gettext)]
    lines.append(line("合计", "", span, figures.total, _whole(figures)))
    lines += [line("周期", s.isoformat(), s.isoformat(), r, blank) for s, r in figures.series]
    lines += [line("事项", c, items.get(c, c), r, blank) for c, r in figures.items.items()]
    lines += [
        line("部门", c, departments.get(c, c), r, blank) for c, r in figures.departments.items()
    ]
    lines += [
        line("渠道", c, gettext(CHANNEL_ROW_NAMES.get(c, "未记录渠道")), r, blank)
        for c, r in figures.channels.items()
    ]
    return lines


def render(lines: list[list[object]], fmt: Format, *, title: str) -> bytes:
    """CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese) or an .xlsx workbook
    whose sheet is called ``title``."""
    if fmt == Format.csv:
        text = io.StringIO()
        csv.writer(text).writerows(lines)
        return ("\ufeff" + text.getvalue()).encode("utf-8")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]  # Excel's longest sheet name
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
    gettext: Gettext,
) -> tuple[bytes, str]:
    """The file and its name, in the language of ``gettext``; writes the audit entry of
    the export (a data export)."""
    lines = table(figures, items=items, departments=departments, gettext=gettext)
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
    return render(lines, fmt, title=gettext("改革成效")), f"reform-{where.first}-{where.last}.{fmt}"
