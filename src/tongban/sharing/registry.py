"""The data-source registry as an operator sees it (``tongban sharing sources``): every
shared source ``catalog/sources.yaml`` declares, who owns it, the key it is looked up by,
how it is reached (``database``: this platform's own tables; ``http``: a department's REST
service) and its state: the records an own-database source holds, the last lookup logged
(``data_accesses``), the last that the source answered (found or no record) and the last
that found it unavailable, and how many lookups in the last 24 hours found it unavailable
(the field was asked by hand instead: degraded mode). The CLI and the operators' page
(``/ops/sources``) show it. ``probe`` asks each department service
now, for a key no record has, and reports it up (it answered) or down with the reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.catalog import service as catalog
from tongban.sharing.connectors import connector_for
from tongban.sharing.models import DataAccess, SourceRecord

RECENT = timedelta(hours=24)
UNAVAILABLE = "unavailable"  # a lookup's outcome when the source failed (data_accesses)
PROBE_KEY = "0" * 18  # neither a valid resident ID nor a credit code: no record has it


@dataclass(frozen=True)
class SourceState:
    """One source of the registry and what is known of its state. ``records``: records
    an own-database source holds (None for a department's service); ``probe``: ``up``,
    the reason it is down (``timeout``, ``unreachable``, ``server_error``,
    ``bad_answer``), or None when not probed (own-database sources are never probed)."""

    code: str
    name: str
    name_en: str
    department: str
    key: str
    kind: str
    url: str | None
    fields: int
    records: int | None
    last_lookup: datetime | None
    last_success: datetime | None  # the source answered (found, or no record for the key)
    last_failure: datetime | None  # the source could not be reached or answered nonsense
    unavailable_recently: int
    probe: str | None = None


def source_states(session: Session, *, now: datetime, probe: bool = False) -> list[SourceState]:
    """Every declared source, in the catalog's order, with its state at ``now``; with
    ``probe``, each department service asked once (its timeout and retries apply)."""
    held = dict(
        session.execute(
            select(SourceRecord.source, func.count(SourceRecord.id)).group_by(SourceRecord.source)
        ).all()
    )
    last: dict[tuple[str, bool], datetime] = {}  # (source, failed) → the latest lookup
    for looked_up, outcome, at in session.execute(
        select(DataAccess.source, DataAccess.outcome, func.max(DataAccess.at)).group_by(
            DataAccess.source, DataAccess.outcome
        )
    ):
        key = (looked_up, outcome == UNAVAILABLE)
        last[key] = max(at, last.get(key, at))
    down = dict(
        session.execute(
            select(DataAccess.source, func.count(DataAccess.id))
            .where(DataAccess.outcome == UNAVAILABLE, DataAccess.at >= now - RECENT)
            .group_by(DataAccess.source)
        ).all()
    )
    states = []
    for code, source in catalog.list_sources(session).items():
        connector = source["connector"]
        http = connector["kind"] == "http"
        succeeded, failed = last.get((code, False)), last.get((code, True))
        states.append(
            SourceState(
                code=code,
                name=source["name"],
                name_en=source.get("name_en") or source["name"],
                department=source["department"],
                key=source["key"],
                kind=connector["kind"],
                url=connector.get("url") if http else None,
                fields=len(source["fields"]),
                records=None if http else int(held.get(code, 0)),
                last_lookup=max((at for at in (succeeded, failed) if at), default=None),
                last_success=succeeded,
                last_failure=failed,
                unavailable_recently=int(down.get(code, 0)),
                probe=_probe(session, source) if http and probe else None,
            )
        )
    return states


def _probe(session: Session, source: dict[str, object]) -> str:
    """``up`` when the department's service answers a lookup, else why it could not."""
    found = connector_for(dict(source)).lookup(session, key=PROBE_KEY)
    return found.unavailable or "up"
