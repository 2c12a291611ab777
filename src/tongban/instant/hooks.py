"""The rules join the case engine's receipt (``cases/core/received.py``), after screening,
and the catalog editor's save of a changed table, as its dry run (``catalog.table_trials``)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from tongban.cases.models import Case
from tongban.cases.service import on_received
from tongban.catalog import service as catalog
from tongban.catalog import table_trials
from tongban.files.store import FileStore
from tongban.instant import dryrun, engine
from tongban.rules import service as rules

ORDER = 50  # after risk screening (``risk.hooks``, 10)


@on_received(ORDER)
def decide_received(session: Session, case: Case, now: datetime, store: FileStore) -> None:
    """Decide every received case of an instant item."""
    engine.decide_case(session, case=case, now=now, store=store)


def _dry_run(
    session: Session, item: dict[str, Any], table: dict[str, Any], now: datetime
) -> table_trials.TableTrial | None:
    """A changed table's dry run over the item's last ``table_trials.DAYS`` days of cases."""
    sources = catalog.list_sources(session)
    if rules.table_problems(table, form=item["form"], sources=sources):
        return None
    since = now - timedelta(days=table_trials.DAYS)
    trials = dryrun.run_since(session, item=item, table=table, since=since, now=now)
    changed = [
        (t.label, str(t.before.outcome) if t.before else None, str(t.after.outcome))
        for t in trials
        if t.changed
    ]
    return table_trials.TableTrial(cases=len(trials), changed=changed)


table_trials.DRY_RUNS.append(_dry_run)
