"""Figures the security and reliability suites print at the end of a run: what each tried
and what came out (``N requests, 0 server errors``), summed over xdist workers.

A test calls ``count(line, **numbers)`` *before* it asserts, so a failing run still shows
what it found. ``tests/conftest.py`` hands the figures from workers to the controller
(``workeroutput``) and prints them in the terminal summary.

``LONG`` (``TONGBAN_LONG_SUITES=1``, set by ``bench/security.py``) makes the suites try
many more cases than the short form ``make test`` runs.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict

LONG = os.environ.get("TONGBAN_LONG_SUITES", "") not in ("", "0")

_figures: dict[str, dict[str, int]] = defaultdict(dict)


def scaled(short: int, long: int) -> int:
    """``short`` in ``make test``, ``long`` under ``TONGBAN_LONG_SUITES``."""
    return long if LONG else short


def count(line: str, **numbers: int) -> None:
    """Add ``numbers`` to the summary line ``line`` (keys use ``_`` for spaces and keep
    the order of their first appearance)."""
    row = _figures[line]
    for name, value in numbers.items():
        row[name] = row.get(name, 0) + value


def dump() -> str:
    return json.dumps(_figures, ensure_ascii=False)


def merge(dumped: str) -> None:
    for line, numbers in json.loads(dumped).items():
        count(line, **numbers)


def lines() -> list[str]:
    """One line per figure, sorted: ``api fuzzing, applicant: 420 requests, 0 server errors``."""
    return [
        f"{line}: " + ", ".join(f"{value} {name.replace('_', ' ')}" for name, value in row.items())
        for line, row in sorted(_figures.items())
    ]
