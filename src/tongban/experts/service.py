"""The experts domain promises: an expert register (专家库) with fields, employer and
contact sealed at rest; expert panels (专家评审, 行政许可法 art. 45) drawn at random among
the experts of a field free of conflicts of interest (回避), the case clock paused while
they sit and running again at the last opinion or the deadline, with the due times moved
by the working time it took; an expert reads only the cases of their own open seats,
read-only, after declaring no conflict; every step audited on the case.

This module is the only one other domains and the web layer import.
"""

from tongban.experts.conflicts import conflicted
from tongban.experts.drawing import SYSTEM_RANDOM, draw
from tongban.experts.panels import close, convene, declare, give_opinion
from tongban.experts.reading import for_case, open_panel, reads_case, seat_of, seats_of
from tongban.experts.register import (
    Entry,
    get,
    list_experts,
    register,
    unregistered_accounts,
    update,
)

__all__ = [
    "SYSTEM_RANDOM",
    "Entry",
    "close",
    "conflicted",
    "convene",
    "declare",
    "draw",
    "for_case",
    "get",
    "give_opinion",
    "list_experts",
    "open_panel",
    "reads_case",
    "register",
    "seat_of",
    "seats_of",
    "unregistered_accounts",
    "update",
]
