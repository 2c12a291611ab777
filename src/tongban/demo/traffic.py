"""The case rows of simulated traffic (``tongban simulate``), written in batches with the
ORM's table definitions (one statement per table and batch, as ``demo.bulk``) but timed by
the platform's own rules: every due time is ``clocks.compute_due`` of the stage's or the
case's clock on the working-day calendar (hours or working days, as the item says); the
promised and legal clocks start at acceptance and stop at the decision, so a case is late
exactly when the engine would call it late; a correction notice pauses the case and resets
its receipt (art. 32); a bad rating's rectification limit is ``ratings.rectify_due``.

What becomes of a case is drawn, then its stages run one after the other with drawn office
hours; a stage that would end after ``now`` stays open, so recent cases wait at the stage
they reached and some are overdue, as in a real month.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from tongban.audit.service import Actor
from tongban.cases.core import clocks, definition
from tongban.cases.core.machine import STAGE_STATES, Event, action_of
from tongban.cases.enums import CaseState, Channel, ClockKind, PauseReason, Stage, TaskState
from tongban.cases.models import Clock
from tongban.catalog.definitions import HOURS_PER_WORKING_DAY, legal_unit
from tongban.demo import casefile
from tongban.demo.casefile import Step
from tongban.demo.plans import Texts, first_way, platform_provided
from tongban.ratings import service as ratings
from tongban.ratings.rules import is_bad
from tongban.workdays.calendar import WorkCalendar

WAITS_IN = {Stage.accept: CaseState.submitted, **STAGE_STATES}  # the state each stage waits in
SHARES = {"withdrawn": 0.02, "rejected": 0.05, "refused": 0.06}  # the rest is approved
CORRECTED = 0.15  # cases sent back once for correction (补正)
LATE = 0.12  # cases one of whose stages runs past its limit
RATED = 0.65  # closed cases their applicant rates
RECTIFIED = 0.7  # bad ratings rectified (some late, some still open)


@dataclass(frozen=True)
class Item:
    """What the traffic needs of one catalog entry's current version."""

    code: str
    title: str
    version_id: int
    lead: str
    spec: dict[str, Any]
    reviewers: tuple[str, ...]
    stages: tuple[tuple[Stage, int], ...]  # in order, with the stage's limit (item's unit)

    @property
    def unit(self) -> str:
        return str(self.spec["time_limit"]["unit"])

    @classmethod
    def of(cls, code: str, title: str, version_id: int, lead: str, spec: dict[str, Any]) -> Item:
        first = spec["items"][0]["process"]["stages"]
        reviewers = tuple(sorted({dept for _, dept in definition.review_assignments(spec)}))
        stages = tuple((Stage(s["stage"]), int(s.get("limit") or 1)) for s in first)
        return cls(code, title, version_id, lead, spec, reviewers or (lead,), stages)


@dataclass
class Rows:
    """The rows of one batch, by table, the next id of each table, the audit entries of
    the batch's cases, and the cases that issue their results (with when)."""

    ids: dict[str, int]
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    issued: list[tuple[int, Item, datetime]] = field(default_factory=list)

    def add(self, table: str, row: dict[str, Any]) -> int:
        row["id"] = self.ids[table]
        self.ids[table] += 1
        self.tables.setdefault(table, []).append(row)
        return int(row["id"])


@dataclass
class Traffic:
    """Everything one case is drawn from."""

    session: Session
    rng: random.Random
    cal: WorkCalendar
    now: datetime
    days: int
    channels: tuple[Channel, ...]
    applicants: dict[str, list[int]]  # subject kind → user ids
    names: dict[int, str]  # applicant's user id → name
    companies: dict[int, dict[str, str]]  # an enterprise's user id → its name and credit code
    departments: dict[str, str]  # code → name
    sample: dict[str, Any]  # the stored sample file uploads point at

    def applicant(self, case: dict[str, Any]) -> Actor:
        """The case's applicant, acting on it."""
        ident = case["applicant_id"]
        return Actor(id=ident, name=self.names.get(ident, ""))


def _due(cal: WorkCalendar, *, unit: str, limit: int, start: datetime) -> datetime:
    clock = Clock(kind=ClockKind.stage, unit=unit, limit=limit, extension=0, started_at=start)
    return clocks.compute_due(cal, clock, []).due_at


def _clock(
    rows: Rows, case_id: int, kind: ClockKind, unit: str, limit: int, start: datetime, due: datetime
) -> dict[str, Any]:
    row = {
        "case_id": case_id,
        "task_id": None,
        "kind": kind,
        "unit": unit,
        "limit": limit,
        "extension": 0,
        "started_at": start,
        "due_at": due,
        "provisional": False,
        "stopped_at": None,
    }
    rows.add("clocks", row)
    return row


def _fate(rng: random.Random) -> str:
    pick, total = rng.random(), 0.0
    for fate, share in SHARES.items():
        total += share
        if pick < total:
            return fate
    return "approved"


def write_case(traffic: Traffic, rows: Rows, item: Item) -> str:
    """Write one case of ``item`` with its tasks, clocks, pause, correction notice,
    materials and rating; returns its state."""
    rng, now = traffic.rng, traffic.now
    start = now - timedelta(days=rng.uniform(0, traffic.days))
    subjects = item.spec["items"][0].get("subject") or ["person", "enterprise"]
    applicant = rng.choice([a for s in subjects for a in traffic.applicants.get(s, [])])
    offered = {o for i in item.spec["items"] for o in i["result"].get("delivery", [])}
    case: dict[str, Any] = {
        "number": "",
        "applicant_id": applicant,
        "created_by_id": applicant,
        "catalog_version_id": item.version_id,
        "catalog_code": item.code,
        "title": item.title,
        "lead_department": item.lead,
        "form_data": casefile.form_of(traffic, applicant, item),
        "channel": rng.choice(traffic.channels),
        "delivery": "window" if "window" in offered and rng.random() < 1 / 3 else "online",
        "joint": len(item.reviewers) > 1,
        "created_at": start - timedelta(minutes=rng.randint(3, 40)),
        "submitted_at": start,
        "received_at": start,
        "accepted_at": None,
        "decided_at": None,
        "closed_at": None,
        "review_outcome": None,
    }
    case_id = rows.add("cases", case)
    case["number"] = f"8{start:%Y%m%d}{case_id:010d}"  # 8…: simulated traffic
    rows.steps.append(
        Step(
            case,
            start,
            action_of(Event.submit),
            traffic.applicant(case),
            CaseState.draft,
            CaseState.submitted,
        )
    )
    _materials(traffic, rows, case_id, item, start)
    casefile.fill_fields(traffic, rows, case_id, item)
    fate = _fate(rng)
    slow = rng.choice(item.stages)[0] if rng.random() < LATE else None
    case["state"] = _run(traffic, rows, case, item, fate, slow)
    if case["closed_at"] is not None and case["state"] != CaseState.withdrawn:
        rated_at = _rate(traffic, rows, case, slow=slow is not None)
        casefile.invite(traffic, rows, case, rated_at=rated_at)
    return str(case["state"])


def _run(
    traffic: Traffic, rows: Rows, case: dict[str, Any], item: Item, fate: str, slow: Stage | None
) -> CaseState:
    """Run the stages of the case until it closes or a stage would end after ``now``; the
    ``slow`` stage (if any) runs past its limit."""
    rng, cal, now, unit = traffic.rng, traffic.cal, traffic.now, item.unit
    case_id, moment = case["id"], case["received_at"]
    if fate == "withdrawn":
        case["closed_at"] = min(now, moment + timedelta(hours=rng.uniform(0.5, 6)))
        rows.steps.append(
            Step(case, case["closed_at"], action_of(Event.withdraw), traffic.applicant(case),
                 CaseState.submitted, CaseState.withdrawn)
        )  # fmt: skip
        return CaseState.withdrawn
    if rng.random() < CORRECTED:
        issued = cal.add_working_hours(moment, rng.uniform(0.5, 8)).due_at
        back = issued + timedelta(hours=rng.uniform(4, 168))  # within a week
        if issued >= now:
            pass  # not yet looked at: waits for acceptance below
        else:
            notice = {
                "case_id": case_id,
                "problems": [rng.choice(Texts.problems_for(platform_provided(item.spec)))],
                "opinion": None,
                "issued_by": casefile.STAFF[Stage.accept].name,
                "issued_at": issued,
                "resolved_at": back if back < now else None,
            }
            rows.add("correction_requests", notice)
            pause = {
                "case_id": case_id,
                "reason": PauseReason.correction,
                "note": None,
                "started_at": issued,
                "ended_at": back if back < now else None,
                "started_by": casefile.STAFF[Stage.accept].name,
            }
            rows.add("case_pauses", pause)
            clerk = casefile.staff(Stage.accept, item.lead)
            rows.steps.append(
                Step(case, issued, action_of(Event.request_correction), clerk, CaseState.submitted,
                     CaseState.correction_requested)
            )  # fmt: skip
            if back >= now:
                _task(rows, case_id, Stage.accept, item.lead, moment, None, item)
                return CaseState.correction_requested
            moment = case["received_at"] = back
            applicant = traffic.applicant(case)
            rows.steps.append(
                Step(case, back, action_of(Event.resubmit), applicant, CaseState.correction_requested,
                     CaseState.submitted)
            )  # fmt: skip
    state: CaseState | None = None
    whole: list[dict[str, Any]] = []  # the case's promised and legal clocks
    order = [stage for stage, _ in item.stages]
    for number, (stage, limit) in enumerate(item.stages):
        departments = item.reviewers if stage == Stage.review else (item.lead,)
        decided = stage == Stage.decide or (stage == Stage.review and Stage.decide not in order)
        says_no = (stage == Stage.accept and fate == "rejected") or (decided and fate == "refused")
        due = _due(cal, unit=unit, limit=limit, start=moment)
        span = limit * (1 if unit == "hours" else HOURS_PER_WORKING_DAY)
        share = rng.uniform(1.05, 3) if stage == slow else rng.uniform(0.1, 0.6)
        ends = []
        for dept in departments:
            finished = cal.add_working_hours(moment, span * share * rng.uniform(0.8, 1)).due_at
            done = finished if finished < now else None
            task = _task(rows, case_id, stage, dept, moment, done, item, due=due)
            clock = _clock(rows, case_id, ClockKind.stage, unit, limit, moment, due)
            clock["task_id"], clock["stopped_at"] = task["id"], done
            if done is None:
                state = WAITS_IN[stage]
            else:
                if says_no and dept == departments[0]:  # the department that says no
                    task["outcome"] = "refused"
                rows.steps.append(casefile.task_done(case, task))
                ends.append(finished)
        if state is not None:
            return state
        moment = max(ends)
        staff = casefile.staff(stage, item.lead)
        if stage == Stage.accept:
            if fate == "rejected":
                return _decided_against(
                    traffic, rows, case, item, stage, moment, CaseState.rejected
                )
            case["accepted_at"] = moment
            limits = item.spec["time_limit"]
            for kind, kept_in in (
                (ClockKind.promised, unit),
                (ClockKind.legal, legal_unit(limits)),
            ):
                n = int(limits[kind.value])
                due = _due(cal, unit=kept_in, limit=n, start=moment)
                whole.append(_clock(rows, case_id, kind, kept_in, n, moment, due))
        if stage == Stage.review and fate == "refused":
            case["review_outcome"] = "refused"
        if decided:
            case["decided_at"] = moment
            for clock in whole:
                clock["stopped_at"] = moment
            if fate == "refused":
                return _decided_against(traffic, rows, case, item, stage, moment, CaseState.refused)
        if stage == Stage.issue or (decided and Stage.issue not in order):
            casefile.issue(rows, case, item, moment)
        after = WAITS_IN[order[number + 1]] if number + 1 < len(order) else CaseState.completed
        rows.steps.append(Step(case, moment, casefile.MOVES[stage], staff, WAITS_IN[stage], after))
    case["closed_at"] = moment
    return CaseState.completed


def _decided_against(
    traffic: Traffic,
    rows: Rows,
    case: dict[str, Any],
    item: Item,
    stage: Stage,
    at: datetime,
    state: CaseState,
) -> CaseState:
    """Close the case at ``at``, when ``stage`` ends, as rejected (不予受理) or refused
    (不予许可) for one of the demo's reasons: its entry on the timeline with the reason, and
    its written decision."""
    rejected = state == CaseState.rejected
    reason = traffic.rng.choice(Texts.REJECTIONS if rejected else Texts.refusals(item.code))
    case["closed_at"], case["state"] = at, state
    staff = casefile.staff(stage, item.lead)
    event = action_of(Event.reject if rejected else Event.refuse)
    rows.steps.append(Step(case, at, event, staff, WAITS_IN[stage], state, opinion=reason))
    casefile.decided_against(traffic, rows, case, item, at, reason=reason)
    return state


def _task(
    rows: Rows,
    case_id: int,
    stage: Stage,
    department: str,
    started: datetime,
    finished: datetime | None,
    item: Item,
    *,
    due: datetime | None = None,
) -> dict[str, Any]:
    row = {
        "case_id": case_id,
        "stage": stage,
        "item_code": item.code if stage == Stage.review else None,
        "department_code": department,
        "state": TaskState.open if finished is None else TaskState.done,
        "outcome": None if finished is None else "approved",
        "started_at": started,
        "finished_at": finished,
        "due_at": due,
        "version": 1,
    }
    rows.add("tasks", row)
    return row


def _materials(traffic: Traffic, rows: Rows, case_id: int, item: Item, at: datetime) -> None:
    """One row per required material, by the first way the catalog lists for it (shared
    data, e-licences and signing replace uploads; an upload is the stored sample file)."""
    for material in item.spec.get("materials", []):
        if not material.get("required"):
            continue
        way = first_way(material)
        row = {"case_id": case_id, "material_code": material["code"], "way": way}
        # every row names every column: a batch is one statement with its first row's columns
        row.update(traffic.sample if way == "upload" else dict.fromkeys(traffic.sample))
        rows.add("materials", row | {"uploaded_at": at})


def _rate(traffic: Traffic, rows: Rows, case: dict[str, Any], *, slow: bool) -> datetime | None:
    """Most finished cases are rated; a bad rating says why, with its reason tag: a case
    that ran late, that it took too long (办理时间长). Returns when it was rated, if it was."""
    rng = traffic.rng
    at: datetime = case["closed_at"] + timedelta(hours=rng.uniform(1, 72))
    if rng.random() > RATED or at >= traffic.now:
        return None
    score = rng.choice(Texts.SCORES[str(case["state"])])
    reason = (Texts.SLOW if slow else rng.choice(Texts.BAD)) if is_bad(score) else None
    due = ratings.rectify_due(traffic.session, now=at) if is_bad(score) else None
    done = at + timedelta(hours=rng.uniform(2, 40))
    rectified = due is not None and done < traffic.now and rng.random() < RECTIFIED
    rating = {
        "case_id": case["id"],
        "applicant_id": case["applicant_id"],
        "department_code": case["lead_department"],
        "stage": "completion",
        "channel": str(case["channel"]),
        "round": 1,
        "score": score,
        "indicators": {},
        "tags": [Texts.BAD_TAGS[reason]] if reason else [],
        "comment": reason or rng.choice(Texts.GOOD),
        "created_at": at,
        "rectify_due_at": due,
        "rectification": rng.choice(Texts.RECTIFICATIONS) if rectified else None,
        "rectified_by": "部门负责人" if rectified else None,
        "rectified_at": done if rectified else None,
    }
    rows.add("ratings", rating)
    rows.steps.extend(casefile.rated(case, rating, traffic.applicant(case)))
    return at
