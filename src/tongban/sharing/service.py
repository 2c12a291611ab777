"""The sharing domain promises (数据共享交换, 数据最多采一次):

- every shared source is declared in the catalog's ``sources.yaml`` (owner department,
  lookup key, typed fields) and reached through one connector interface, either tables of
  this database or a department's REST service (timeout, retries, degraded mode);
- a form field on the shared list is pulled and locked when the source holds the
  applicant's record, asked with the reason when the source is down; the case is never
  lost (``pulling``);
- every pull of someone's data is logged (``access``) and shown to that person only;
- the backfill rate (回填率) is counted from how the shared fields of submitted cases were
  really filled (``backfill``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from tongban import txcache
from tongban.accounts import realname
from tongban.catalog import service as catalog
from tongban.errors import Conflict, NotFound
from tongban.sharing import access, synthetic
from tongban.sharing.casefacts import lookup_for_case as lookup_for_case  # the platform's checks
from tongban.sharing.casefacts import sources_of as sources_of
from tongban.sharing.connectors import Lookup, connector_for, typed
from tongban.sharing.models import SourceRecord, name_key_of
from tongban.sharing.registry import SourceState as SourceState  # the operator's view
from tongban.sharing.registry import source_states as source_states

DEMO_SEED = 2026
DEMO_PEOPLE = 1000
DEMO_ENTERPRISES = 200
BATCH = 500


def get_source(session: Session, *, code: str) -> dict[str, Any]:
    """A source's declaration (``sources.yaml``), or NotFound."""
    source = catalog.list_sources(session).get(code)
    if source is None:
        raise NotFound(f"没有共享数据源“{code}”。", f"No shared data source '{code}'.")
    return source


def lookup(session: Session, *, code: str, key: str) -> Lookup:
    """Ask source ``code`` for the record of ``key`` through its connector (not logged:
    callers that show the data to anyone but its subject log it, see ``access``)."""
    return connector_for(get_source(session, code=code)).lookup(session, key=key)


def all_records(session: Session, *, code: str) -> dict[str, dict[str, Any]]:
    """Every record of the own-database source ``code`` by key, with its declared fields
    (not logged: a caller that acts on someone's data logs it with ``log_access``).
    Conflict when the source is a department's service, which cannot be listed."""
    source = get_source(session, code=code)
    if source["connector"]["kind"] != "database":
        raise Conflict(
            f"共享数据源“{source['name']}”由部门接口提供，不能逐条比对。",
            f"Source '{code}' is a department's service and cannot be listed.",
        )
    rows = session.execute(
        select(SourceRecord.key, SourceRecord.data).where(SourceRecord.source == code)
    )
    return {key: typed(source["fields"], data) for key, data in rows}


def log_access(
    session: Session,
    *,
    at: datetime,
    fields: dict[str, list[str]],
    subject_key: str,
    case_id: int | None,
    purpose: str,
    purpose_en: str,
) -> None:
    """Log that the platform itself used ``fields`` (by source code) of a subject's records
    (shown to the data subject on their profile page), why in Chinese and English."""
    for code, names in fields.items():
        access.record(
            session,
            at=at,
            source=code,
            subject_key=subject_key,
            actor=None,
            case_id=case_id,
            fields=names,
            purpose=purpose,
            purpose_en=purpose_en,
        )


def record_count(session: Session, *, code: str | None = None) -> int:
    """Records held in this database (of one source, or of all)."""
    query = select(func.count()).select_from(SourceRecord)
    if code is not None:
        query = query.where(SourceRecord.source == code)
    return int(session.scalar(query) or 0)


def store_records(
    session: Session,
    *,
    population: synthetic.Population,
    now: datetime,
) -> dict[str, int]:
    """Replace the own-database records of every source in ``population``; counts by source."""
    for code in population.records:
        session.execute(delete(SourceRecord).where(SourceRecord.source == code))
    for code, rows in population.records.items():
        for start in range(0, len(rows), BATCH):
            batch = [
                {
                    "source": code,
                    "key": key,
                    "data": data,
                    "name_key": name_key_of(data),
                    "updated_at": now,
                }
                for key, data in rows[start : start + BATCH]
            ]
            session.execute(insert(SourceRecord), batch)
    txcache.forget(session, SourceRecord)  # looked-up records kept by the unit of work
    return {code: len(rows) for code, rows in population.records.items()}


def load_synthetic(
    session: Session,
    *,
    now: datetime,
    accounts: Iterable[dict[str, Any]] = (),
    people: int = DEMO_PEOPLE,
    enterprises: int = DEMO_ENTERPRISES,
    seed: int = DEMO_SEED,
    progress: Callable[[], None] | None = None,
) -> dict[str, int]:
    """Generate the synthetic population (``synthetic``) and store it; counts by source.

    The same seed gives the same people; the demo ``accounts`` are among them, and the
    accounts the registers now hold are verified (实名认证).
    """
    population = synthetic.generate(
        people=people, enterprises=enterprises, seed=seed, accounts=accounts, progress=progress
    )
    counts = store_records(session, population=population, now=now)
    realname.verify_pending(session, now=now)  # the accounts made before their records
    return counts
