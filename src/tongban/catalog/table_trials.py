"""A changed decision table goes live only after a dry run (规则试运行), as rule engines
publish: saving an item whose posted ``decision`` differs from its current version's first
runs the candidate over the item's cases of the last ``DAYS`` days and shows which outcomes
would change; the save goes through when posted again with the fingerprint of the table
that was tried. The run itself is the instant domain's (``instant.hooks`` registers it in
``DRY_RUNS``: the catalog sits below it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import yaml
from sqlalchemy.orm import Session

from tongban.catalog import service

DAYS = 30  # calendar days of received cases a save's dry run covers


@dataclass(frozen=True)
class TableTrial:
    """What a candidate table would have decided: cases run, and (case number, the
    published table's outcome or None, the candidate's) for each outcome that changes."""

    cases: int
    changed: list[tuple[str, str | None, str]]


# (session, the item's current definition, the candidate table, now) -> the trial, or None
# when the table is not sound enough to run (the save's own checks then say why)
DryRun = Callable[[Session, dict[str, Any], dict[str, Any], datetime], TableTrial | None]
DRY_RUNS: list[DryRun] = []


def fingerprint(table: dict[str, Any]) -> str:
    """The candidate table's fingerprint, as the confirming form posts it back."""
    text = json.dumps(table, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def changed_table(session: Session, *, code: str, text: str) -> dict[str, Any] | None:
    """The decision table ``text`` (an item's YAML) posts when it differs from the current
    version's; None when it is the same, absent, or the text does not parse (the save's
    checks report that)."""
    entry = service.get_any_entry(session, code=code)
    if entry.kind != "item" or entry.current_version is None:
        return None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    table = data.get("decision") if isinstance(data, dict) else None
    current = entry.current_version.definition["items"][0].get("decision")
    if not isinstance(table, dict) or table == current:
        return None
    return table


def try_table(
    session: Session, *, code: str, table: dict[str, Any], now: datetime
) -> TableTrial | None:
    """The dry run of ``table`` over item ``code``'s recent cases (None: none registered,
    or the table cannot run)."""
    version = service.get_any_entry(session, code=code).current_version
    if version is None or not DRY_RUNS:
        return None
    return DRY_RUNS[0](session, dict(version.definition["items"][0]), table, now)
