"""The supervision domain promises (电子监察): every dashboard figure is counted in the
database from case, task and clock rows (never stored counters), and its drill-down lists
exactly the cases the figure counts, because both read one SQL condition in ``measures``.

This module is the only one other domains import.
"""

from tongban.supervision.drilldown import CaseFilter, filter_choices, list_supervised_cases
from tongban.supervision.measures import Status
from tongban.supervision.metrics import PERIODS, dashboard

__all__ = [
    "PERIODS",
    "CaseFilter",
    "Status",
    "dashboard",
    "filter_choices",
    "list_supervised_cases",
]
