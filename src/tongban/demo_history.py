"""A demo history of cases (演示办件), so the staff workbench and the supervision dashboard
show something on a first run: ``count`` cases over the last 30 days, driven through the
real service layer with a simulated clock. For demos only, never production.

Idempotent: if any case exists, nothing is created. Reproducible: a ``random.Random(seed)``
chooses items, applicants, plans and delays, so the same seed and ``now`` give the same
history. Working time follows the platform calendar, which must be seeded first.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.accounts.enums import Role, UserKind
from tongban.accounts.models import User
from tongban.accounts.schemas import ApplicantCreate
from tongban.cases import service as cases
from tongban.cases.enums import ClockKind, RoundOutcome, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.demo_plans import APPLICANTS, Plan, Texts, plans_for
from tongban.files.store import FileStore
from tongban.ratings import service as ratings
from tongban.samples import attach_materials, fill_form
from tongban.workdays.calendar import WorkCalendar

DEFAULT_CASES = 120
DAYS = 30
SOON = timedelta(hours=24)  # as the dashboard's "due soon"
Progress = Callable[[], None]


@dataclass
class Report:
    """What a load did: cases created per state, or why nothing was done."""

    created: Counter[str]
    skipped: str | None = None

    def summary(self) -> str:
        if self.skipped:
            return self.skipped
        states = ", ".join(f"{state} {n}" for state, n in sorted(self.created.items()))
        return f"演示办件 {sum(self.created.values())} 个 (demo cases): {states}"


@dataclass
class _World:
    """Everything a demo case is made from, and the simulated clock's hard stop."""

    session: Session
    rng: random.Random
    cal: WorkCalendar
    store: FileStore
    end: datetime
    specs: dict[str, dict[str, Any]]
    applicants: list[User]
    staff: dict[tuple[str, Role], User]


def load_history(
    session: Session,
    *,
    store: FileStore,
    count: int = DEFAULT_CASES,
    seed: int = 2025,
    now: datetime,
    progress: Progress | None = None,
) -> Report:
    """Create ``count`` demo cases ending at ``now`` unless the database has any case."""
    existing = session.scalar(select(func.count(Case.id))) or 0
    if existing:
        return Report(Counter(), f"已有 {existing} 个办件，未加载演示办件 (cases exist; skipped)")
    rng = random.Random(seed)
    world = _World(
        session,
        rng,
        cases.calendar(session),
        store,
        now,
        {
            e.code: e.current_version.definition
            for e in catalog.list_entries(session)
            if e.current_version
        },
        [_applicant(session, entry) for entry in APPLICANTS],
        _staff(session),
    )
    created: Counter[str] = Counter()
    for plan in plans_for(count, rng):
        case = _make_case(world, plan)
        _rate(world, case)
        created[str(case.state)] += 1
        if progress:
            progress()
    return Report(created)


def _applicant(session: Session, entry: dict[str, Any]) -> User:
    found = accounts.find_user(session, username=entry["username"])
    return found or accounts.register_applicant(session, data=ApplicantCreate(**entry))


def _staff(session: Session) -> dict[tuple[str, Role], User]:
    """The first staff member of each department holding each role."""
    found: dict[tuple[str, Role], User] = {}
    for user in accounts.list_staff(session):
        if user.department_code is None:
            continue
        for role in sorted(user.roles):
            found.setdefault((user.department_code, role), user)
    return found


def _review_limit(spec: dict[str, Any]) -> int | None:
    """Working days of the review stage of a one-item case counted in days, else None."""
    item = spec["items"][0]
    if len(spec["items"]) > 1 or spec["time_limit"]["unit"] != "working_days":
        return None
    stages = {s["stage"]: s for s in item["process"]["stages"]}
    return int(stages["review"]["limit"]) if "review" in stages else None


def _fits(plan: Plan, spec: dict[str, Any]) -> bool:
    has_review = any(
        s["stage"] == "review" for item in spec["items"] for s in item["process"]["stages"]
    )
    if plan.in_review:
        return _review_limit(spec) is not None
    if plan == Plan.refused:
        return has_review
    if plan == Plan.late:
        limits = spec["time_limit"]
        return bool(limits["unit"] == "hours" or limits["promised"] <= 5)
    return True


def _pick(world: _World, plan: Plan) -> tuple[str, User]:
    codes = sorted(code for code, spec in world.specs.items() if _fits(plan, spec))
    code = world.rng.choice(codes)
    source = world.specs[code].get("bundle") or world.specs[code]["items"][0]
    kinds = source.get("subject") or [UserKind.person, UserKind.enterprise]
    return code, world.rng.choice([a for a in world.applicants if a.kind in kinds])


class _Clock:
    """The simulated time of one case: only forward, never past the end."""

    def __init__(self, world: _World, start: datetime) -> None:
        self.world, self.now = world, start

    def later(self, hours: float, *, before: datetime | None = None) -> datetime:
        """``hours`` office hours on; halfway to ``before`` if that would pass it."""
        moment = self.world.cal.add_working_hours(self.now, hours).due_at
        if before is not None and self.now < before <= moment:
            moment = self.now + (before - self.now) / 2
        return self.at(moment)

    def at(self, moment: datetime) -> datetime:
        self.now = min(max(self.now, moment), self.world.end)
        return self.now


def _start(world: _World, plan: Plan) -> datetime:
    rng, end = world.rng, world.end
    if plan == Plan.waiting:  # well inside the 5 working days before deemed acceptance
        return end - timedelta(hours=rng.uniform(1, 40))
    earliest = {Plan.late: 12, Plan.on_time: 3, Plan.refused: 4}.get(plan, 1)
    return end - timedelta(days=rng.uniform(earliest, DAYS - 0.5))


def _accept_time(world: _World, plan: Plan, limit: int) -> datetime | None:
    """A moment of acceptance that leaves the review task due soon, overdue, or later."""
    fits = []
    for back in range(DAYS - 2):
        day = world.end.astimezone(world.cal.tz).date() - timedelta(days=back)
        opens = datetime.combine(day, time(9), tzinfo=world.cal.tz).astimezone(UTC)
        moment = opens + timedelta(minutes=world.rng.randint(0, 420))
        if not world.cal.is_workday(day) or moment >= world.end:
            continue
        left = world.cal.add_working_days(moment, limit) - world.end
        soon = timedelta(0) <= left < SOON
        if {Plan.due_soon: soon, Plan.overdue: left < -SOON, Plan.review: left >= SOON}[plan]:
            fits.append(moment)
    return world.rng.choice(fits) if fits else None


def _make_case(world: _World, plan: Plan) -> Case:
    code, applicant = _pick(world, plan)
    accept_at = None
    if plan.in_review:
        accept_at = _accept_time(world, plan, _review_limit(world.specs[code]) or 1)
        if accept_at is None:  # no moment fits (say, a weekend today): any open review
            plan = Plan.overdue if plan == Plan.due_soon else Plan.review
            accept_at = _accept_time(world, plan, _review_limit(world.specs[code]) or 1)
    start = accept_at - timedelta(hours=world.rng.uniform(1, 30)) if accept_at else None
    clock = _Clock(world, start or _start(world, plan))
    case = _submitted(world, code, applicant, clock)
    _Handling(world, case, plan, clock).run(accept_at)
    return case


def _submitted(world: _World, code: str, applicant: User, clock: _Clock) -> Case:
    session = world.session
    answers = Texts.answers(applicant)
    case = cases.create_case(
        session,
        applicant=applicant,
        code=code,
        form_data=fill_form(world.specs[code]["form"], answers),
        now=clock.now,
    )
    attach_materials(session, case=case, user=applicant, store=world.store, now=clock.now)
    clock.at(clock.now + timedelta(minutes=world.rng.randint(3, 40)))
    return cases.submit_case(session, case_id=case.id, user=applicant, now=clock.now)


class _Handling:
    """The staff (and applicant) actions that take one case to its planned state."""

    def __init__(self, world: _World, case: Case, plan: Plan, clock: _Clock) -> None:
        self.world, self.session, self.case, self.plan, self.clock = (
            world,
            world.session,
            case,
            plan,
            clock,
        )
        self.rng = world.rng

    def staff(self, department: str, stage: Stage) -> User:
        role = {Stage.accept: Role.clerk, Stage.review: Role.reviewer, Stage.decide: Role.approver}
        return self.world.staff[(department, role.get(stage, Role.issuer))]

    def run(self, accept_at: datetime | None) -> None:
        plan, case, session = self.plan, self.case, self.session
        if plan == Plan.waiting:
            return
        if plan == Plan.withdrawn:
            now = self.clock.later(self.rng.uniform(0.5, 6))
            cases.withdraw_case(session, case_id=case.id, user=self.applicant, now=now)
            return
        clerk = self.staff(case.lead_department, Stage.accept)
        now = self.clock.later(self.rng.uniform(0.5, 8))
        if plan == Plan.rejected:
            opinion = self.rng.choice(Texts.REJECTIONS)
            cases.reject_case(session, case_id=case.id, user=clerk, opinion=opinion, now=now)
            return
        if plan == Plan.correction or (plan.finishes and self.rng.random() < 0.2):
            self.correct(clerk, now)
            if plan == Plan.correction:
                return
            now = self.clock.later(self.rng.uniform(1, 6))
        if accept_at is not None:
            now = self.clock.at(accept_at)
        cases.accept_case(
            session,
            case_id=case.id,
            user=clerk,
            opinion="材料齐全，予以受理",
            now=now,
            store=self.world.store,
        )
        if plan.in_review:
            self.review_first_of_several()
        else:
            self.finish()

    @property
    def applicant(self) -> User:
        return next(a for a in self.world.applicants if a.id == self.case.applicant_id)

    def correct(self, clerk: User, now: datetime) -> None:
        problems = [self.rng.choice(Texts.PROBLEMS)]
        cases.request_correction(
            self.session, case_id=self.case.id, user=clerk, problems=problems, opinion=None, now=now
        )
        if self.plan != Plan.correction:
            now = self.clock.later(self.rng.uniform(4, 20))
            cases.resubmit_case(self.session, case_id=self.case.id, user=self.applicant, now=now)

    def open_tasks(self) -> list[Any]:
        return sorted((t for t in self.case.tasks if t.state == TaskState.open), key=lambda t: t.id)

    def review_first_of_several(self) -> None:
        """In a joint review one department has already answered, the other is still open."""
        tasks = self.open_tasks()
        if len(tasks) > 1:
            moment = self.world.cal.add_working_hours(self.clock.now, self.rng.uniform(1, 4))
            if moment.due_at < self.world.end:
                self.act(tasks[0], self.clock.at(moment.due_at))

    def promised_due(self) -> datetime | None:
        running = [
            c.due_at
            for c in self.case.clocks
            if c.kind == ClockKind.promised and c.stopped_at is None
        ]
        return running[0] if running else None

    def finish(self) -> None:
        """Work the open tasks until the case is closed, on time or late as planned."""
        while tasks := self.open_tasks():
            due = self.promised_due()
            if self.plan == Plan.late and due is not None and self.clock.now <= due:
                self.clock.at(due + timedelta(hours=self.rng.uniform(2, 30)))
            hours = self.rng.uniform(0.2, 3 if self.case.state != "in_review" else 6)
            self.act(tasks[0], self.clock.later(hours, before=due))

    def act(self, task: Any, now: datetime) -> None:
        session, user = self.session, self.staff(task.department_code, task.stage)
        refuse = self.plan == Plan.refused
        if task.stage == Stage.review:
            outcome = TaskOutcome.refused if refuse else TaskOutcome.approved
            opinion = self.rng.choice(Texts.REFUSALS) if refuse else "经审查，符合条件"
            cases.review_task(
                session,
                task_id=task.id,
                user=user,
                outcome=outcome,
                opinion=opinion,
                now=now,
                store=self.world.store,
            )
        elif task.stage == Stage.decide and self.case.review_outcome == RoundOutcome.refused:
            opinion = self.rng.choice(Texts.REFUSALS)
            cases.refuse_case(
                session,
                task_id=task.id,
                user=user,
                opinion=opinion,
                now=now,
                store=self.world.store,
            )
        elif task.stage == Stage.decide:
            cases.approve_case(
                session, task_id=task.id, user=user, opinion="同意", now=now, store=self.world.store
            )
        elif task.stage == Stage.issue:
            store = self.world.store
            cases.issue_result(
                session, task_id=task.id, user=user, opinion=None, now=now, store=store
            )
        else:
            cases.deliver_result(session, task_id=task.id, user=user, opinion="已送达", now=now)


def _rate(world: _World, case: Case) -> None:
    """Most applicants of a finished case rate it; a bad rating is usually rectified."""
    rng = world.rng
    if case.closed_at is None or str(case.state) == "withdrawn" or rng.random() < 0.35:
        return
    at = case.closed_at + timedelta(hours=rng.uniform(1, 72))
    if at >= world.end:
        return
    applicant = next(a for a in world.applicants if a.id == case.applicant_id)
    score = rng.choice(Texts.SCORES[str(case.state)])
    comment = rng.choice(Texts.BAD if score <= 2 else Texts.GOOD)
    rating = ratings.rate_case(
        world.session, case_id=case.id, user=applicant, score=score, comment=comment, now=at
    )
    done = at + timedelta(hours=rng.uniform(2, 40))
    if rating.rectify_due_at is not None and done < world.end and rng.random() < 0.7:
        staff = world.staff[(case.lead_department, Role.approver)]
        text = rng.choice(Texts.RECTIFICATIONS)
        ratings.rectify(world.session, rating_id=rating.id, user=staff, text=text, now=done)
