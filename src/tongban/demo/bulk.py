"""Many cases at once, for the scale benchmark and the queue's growth tests: rows written
in batches with the ORM's table definitions (no service call per case), consistent with
what the service layer makes: a case of a published item or bundle, its finished and open
tasks (受理, one 审查 per department, 核准, 制证), a running stage clock for each open task
with its due time counted on the holiday calendar, a share of cases paused (art. 45), and
each running clock watched as the worker would have left it at ``now``: the highest alert
level whose moment has passed raised, the watch job due at the next moment.

The states follow a realistic mix over two years of dates before ``now``: most cases are
finished, the rest wait at one stage. ``bench/scale.py`` replays a sample of the same
shapes through the service layer to check them.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from tongban.accounts.enums import UserKind
from tongban.accounts.models import User
from tongban.alerts.enums import Watched
from tongban.cases.core import clocks, definition, watch
from tongban.cases.enums import CaseState, ClockKind, PauseReason, Stage, TaskState
from tongban.cases.models import Case, CasePause, Clock, Task
from tongban.catalog.models import CatalogEntry, CatalogVersion
from tongban.db import Base
from tongban.jobs import service as jobs
from tongban.workdays.calendar import WorkCalendar

# (state the case waits in, the stage whose task is open, share of cases)
MIX = (
    (CaseState.submitted, Stage.accept, 0.10),
    (CaseState.in_review, Stage.review, 0.15),
    (CaseState.in_decision, Stage.decide, 0.05),
    (CaseState.issuing, Stage.issue, 0.05),
    (CaseState.completed, None, 0.60),
    (CaseState.rejected, None, 0.05),
)
PAUSED_SHARE = 0.02  # of cases under review: a hearing or an expert's opinion (art. 45)
STAGE_DAYS = {Stage.accept: 5, Stage.decide: 2, Stage.issue: 1}


@dataclass(frozen=True)
class _Item:
    code: str
    title: str
    version_id: int
    lead: str
    reviewers: tuple[str, ...]
    promised: int


def _items(session: Session) -> list[_Item]:
    rows = session.execute(
        select(CatalogEntry, CatalogVersion).join(
            CatalogVersion, CatalogVersion.id == CatalogEntry.current_version_id
        )
    ).all()
    found = []
    for entry, version in rows:
        spec = version.definition
        if spec.get("time_limit", {}).get("unit") != "working_days":
            continue
        reviewers = tuple(sorted({dept for _, dept in definition.review_assignments(spec)}))
        promised = int(spec["time_limit"].get("promised") or 5)
        found.append(
            _Item(entry.code, entry.name, version.id, entry.department_code, reviewers, promised)
        )
    return found


def _next_ids(session: Session) -> dict[str, int]:
    tables = {"cases": Case.id, "tasks": Task.id, "clocks": Clock.id, "case_pauses": CasePause.id}
    return {name: (session.scalar(select(func.max(col))) or 0) + 1 for name, col in tables.items()}


def fill(
    session: Session,
    *,
    cases: int,
    now: datetime,
    seed: int = 1,
    batch: int = 5000,
    department: str | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Write ``cases`` cases (with their tasks, clocks and pauses) in batches of ``batch``;
    returns how many. ``department``: only items it leads (its queue fills). ``on_batch``
    is told how many cases each batch wrote (a progress bar). Does not commit."""
    rng = random.Random(seed)
    items = [i for i in _items(session) if department in (None, i.lead)]
    applicants = list(session.scalars(select(User.id).where(User.kind != UserKind.staff)))
    cal, revision = clocks.calendar(session), clocks.revision(session)
    ids = _next_ids(session)
    made = 0
    while made < cases:
        rows: dict[str, list[dict[str, Any]]] = {k: [] for k in (*ids, "alerts")}
        watches: list[tuple[str, datetime, dict[str, Any]]] = []
        for _ in range(min(batch, cases - made)):
            _one(rows, watches, ids, rng, rng.choice(items), rng.choice(applicants), now, cal)
        for clock in rows["clocks"]:
            clock["calendar_revision"] = revision  # their due times were counted on ``cal``
        for name in ("cases", "tasks", "clocks", "case_pauses", "alerts"):
            if rows[name]:  # Core executemany: one statement per table and batch
                session.execute(insert(Base.metadata.tables[name]), rows[name])
        jobs.enqueue_new(session, kind="clock.watch", jobs=watches, now=now)
        made += len(rows["cases"])
        if on_batch:
            on_batch(len(rows["cases"]))
    _reset_sequences(session)
    return made


def _state(rng: random.Random) -> tuple[CaseState, Stage | None]:
    pick, total = rng.random(), 0.0
    for state, stage, share in MIX:
        total += share
        if pick < total:
            return state, stage
    return MIX[-1][0], MIX[-1][1]


def _one(
    rows: dict[str, list[dict[str, Any]]],
    watches: list[tuple[str, datetime, dict[str, Any]]],
    ids: dict[str, int],
    rng: random.Random,
    item: _Item,
    applicant: int,
    now: datetime,
    cal: WorkCalendar,
) -> None:
    state, waiting = _state(rng)
    recent = waiting is not None  # open cases are recent; finished ones span two years
    span = timedelta(days=30 if recent else 730)
    created = now - timedelta(seconds=rng.randrange(int(span.total_seconds())))
    case_id = _take(ids, "cases")
    rows["cases"].append(
        {
            "id": case_id,
            "number": f"9{created:%Y%m%d}{case_id:010d}",  # 9…: made in bulk
            "applicant_id": applicant,
            "created_by_id": applicant,
            "catalog_version_id": item.version_id,
            "catalog_code": item.code,
            "title": item.title,
            "lead_department": item.lead,
            "state": state,
            "form_data": {},
            "joint": len(item.reviewers) > 1,
            "created_at": created,
            "submitted_at": created,
            "received_at": created,
            "accepted_at": None if waiting == Stage.accept else created + timedelta(hours=4),
            "decided_at": created + timedelta(days=3) if waiting is None else None,
            "closed_at": created + timedelta(days=4) if waiting is None else None,
        }
    )
    running: list[tuple[dict[str, Any], tuple[Stage, str]]] = []
    moment = created
    for stage, depts in _stages(item, state):
        for dept in depts:
            task_id = _take(ids, "tasks")
            is_open = stage == waiting
            limit = item.promised if stage == Stage.review else STAGE_DAYS.get(stage, 1)
            due = cal.add_working_days(moment, limit)
            rows["tasks"].append(_task(task_id, case_id, stage, item, dept, moment, is_open, due))
            if is_open:
                clock = _clock(ids, case_id, task_id, limit, moment, due)
                rows["clocks"].append(clock)
                running.append((clock, (stage, dept)))
        moment += timedelta(hours=rng.randrange(2, 30))
    paused = waiting == Stage.review and rng.random() < PAUSED_SHARE
    for clock, whose in [] if paused else running:  # a paused clock waits for the pause to end
        _watched(rows["alerts"], watches, cal, clock, whose, now)
    if paused:
        rows["case_pauses"].append(
            {
                "id": _take(ids, "case_pauses"),
                "case_id": case_id,
                "reason": PauseReason.hearing,
                "started_at": created + timedelta(days=1),
                "started_by": item.lead,
            }
        )


def _stages(item: _Item, state: CaseState) -> Iterator[tuple[Stage, tuple[str, ...]]]:
    """The stages a case in ``state`` went through, each with its departments."""
    order = [
        (Stage.accept, (item.lead,)),
        (Stage.review, item.reviewers or (item.lead,)),
        (Stage.decide, (item.lead,)),
        (Stage.issue, (item.lead,)),
    ]
    last = {
        CaseState.submitted: 1,
        CaseState.rejected: 1,
        CaseState.in_review: 2,
        CaseState.in_decision: 3,
    }.get(state, 4)
    yield from order[:last]


def _task(
    task_id: int,
    case_id: int,
    stage: Stage,
    item: _Item,
    dept: str,
    started: datetime,
    is_open: bool,
    due: datetime,
) -> dict[str, Any]:
    return {
        "id": task_id,
        "case_id": case_id,
        "stage": stage,
        "item_code": item.code if stage == Stage.review else None,
        "department_code": dept,
        "state": TaskState.open if is_open else TaskState.done,
        "outcome": None if is_open else "approved",
        "started_at": started,
        "finished_at": None if is_open else started + timedelta(hours=1),
        "due_at": due,
        "version": 1,
    }


def _clock(
    ids: dict[str, int], case_id: int, task_id: int, limit: int, start: datetime, due: datetime
) -> dict[str, Any]:
    return {
        "id": _take(ids, "clocks"),
        "case_id": case_id,
        "task_id": task_id,
        "kind": ClockKind.stage,
        "unit": "working_days",
        "limit": limit,
        "extension": 0,
        "started_at": start,
        "due_at": due,
        "provisional": False,
    }


def _watched(
    alerts: list[dict[str, Any]],
    watches: list[tuple[str, datetime, dict[str, Any]]],
    cal: WorkCalendar,
    clock: dict[str, Any],
    whose: tuple[Stage, str],
    now: datetime,
) -> None:
    """The watch of a running clock as of ``now`` (``alerts.raise_due``: only the highest
    level reached is raised), and its job at the next moment, if a level is left."""
    moments = watch.moments(cal, Clock(**clock), ())
    reached = [level for level, at in moments if at is not None and at <= now]
    stage, department = whose
    if reached:
        alerts.append(
            {
                "watched": Watched.clock,
                "watched_id": clock["id"],
                "level": reached[-1],
                "case_id": clock["case_id"],
                "department_code": department,
                "what": stage.value,
                "due_at": clock["due_at"],
                "raised_at": now,
            }
        )
    later = [at for _, at in moments if at is not None and at > now]
    if later:
        watches.append((f"clock.watch:{clock['id']}", later[0], {"id": clock["id"]}))


def _take(ids: dict[str, int], table: str) -> int:
    ids[table] += 1
    return ids[table] - 1


def _reset_sequences(session: Session) -> None:
    """Ids were given here: PostgreSQL's sequences move past them for the next insert."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in ("cases", "tasks", "clocks", "case_pauses"):
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )
