"""The dashboard's figures as chart data for static/dashboard.js (Apache ECharts).

Each chart is labels plus series of values; every value carries the address of its
drill-down, so a click on a bar or a point opens the cases it counts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from tongban.cases.enums import CaseState, Stage
from tongban.sharing.reduction import Reduction
from tongban.supervision.links import drill
from tongban.supervision.measures import Dates, Status
from tongban.supervision.metrics import Dashboard

Gettext = Callable[..., str]
TOP_ITEMS = 15  # more bars than this are unreadable; the table lists every item


def _series(name: str, data: list[Any], urls: list[str], **extra: Any) -> dict[str, Any]:
    return {"name": name, "data": data, "urls": urls, **extra}


def _percent(rate: float | None) -> float | None:
    return None if rate is None else round(100 * rate, 1)


def charts_json(
    figures: Dashboard,
    *,
    gettext: Gettext,
    state_names: Mapping[CaseState, str],
    stage_names: Mapping[Stage, str],
    department_names: Mapping[str, str],
    item_names: Mapping[str, str],
    tz: ZoneInfo,
    reductions: Sequence[Reduction] = (),
) -> str:
    """Every chart of the dashboard, as the JSON the page embeds; ``reductions``: fewer
    fields and materials per item (``sharing.reduction``), most cases first."""
    _, period = gettext, figures.period
    states = list(figures.by_state.items())
    days = figures.received_per_day
    departments = [(c, e) for c, e in figures.departments.items() if e.on_time_rate is not None]
    items = sorted(figures.items.items(), key=lambda kv: -kv[1].received)[:TOP_ITEMS]
    stages = figures.stages
    charts = {
        "states": {
            "labels": [_(state_names[CaseState(s)]) for s, _n in states],
            "series": [
                _series(_("办件数"), [n for _s, n in states], [drill(state=s) for s, _n in states])
            ],
        },
        "received": {
            "labels": [d.strftime("%m-%d") for d, _n in days],
            "yName": _("收件量"),
            "series": [
                _series(
                    _("收件量"),
                    [n for _d, n in days],
                    [drill(received=Dates.of(d, d, tz)) for d, _n in days],
                    type="line",
                )
            ],
        },
        "weeks": {
            "labels": [w.dates.first.strftime("%m-%d") for w in figures.weeks],
            "yName": _("按时办结率（%）"),
            "yMax": 100,
            "series": [
                _series(
                    _("按时办结率（%）"),
                    [_percent(w.on_time_rate) for w in figures.weeks],
                    [drill(status=Status.finished, done=w.dates) for w in figures.weeks],
                    type="line",
                )
            ],
        },
        "departments": {
            "labels": [department_names.get(c, c) for c, _e in departments],
            "yName": _("按时办结率（%）"),
            "yMax": 100,
            "series": [
                _series(
                    _("按时办结率（%）"),
                    [_percent(e.on_time_rate) for _c, e in departments],
                    [
                        drill(department=c, status=Status.finished, done=period)
                        for c, _e in departments
                    ],
                )
            ],
        },
        "items": {
            "labels": [item_names.get(c, c) for c, _e in items],
            "horizontal": True,
            "series": [
                _series(
                    _("收件量"),
                    [e.received for _c, e in items],
                    [drill(item=c, received=period) for c, _e in items],
                ),
                _series(
                    _("办结量"),
                    [e.finished for _c, e in items],
                    [drill(item=c, status=Status.finished, done=period) for c, _e in items],
                ),
            ],
        },
        "stages": {
            "labels": [_(stage_names[Stage(s)]) for s, _t in stages],
            "yName": _("办公小时"),
            "series": [
                _series(
                    name,
                    [getattr(t, measure) for _s, t in stages],
                    [drill(stage=s, done=period) for s, _t in stages],
                )
                for measure, name in (
                    ("average", _("平均用时（办公小时）")),
                    ("p90", _("第 90 百分位（办公小时）")),
                )
            ],
        },
        "reduction": _reduction_chart(reductions[:TOP_ITEMS], _, item_names, period),
    }
    text = json.dumps(charts, ensure_ascii=False)
    # Inside <script>, "</script>" in a name must not end the element.
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _reduction_chart(
    reductions: Sequence[Reduction], _: Gettext, item_names: Mapping[str, str], period: Dates
) -> dict[str, Any]:
    """减填报 and 减材料 in % per item; a bar opens the item's cases of the period."""
    urls = [drill(item=r.code, received=period) for r in reductions]
    return {
        "labels": [item_names.get(r.code, r.code) for r in reductions],
        "horizontal": True,
        "yName": "%",
        "yMax": 100,
        "series": [
            _series(_("免填字段占比（%）"), [_percent(r.fields_share) for r in reductions], urls),
            _series(
                _("免交材料占比（%）"), [_percent(r.materials_share) for r in reductions], urls
            ),
        ],
    }
