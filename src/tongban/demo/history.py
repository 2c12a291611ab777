"""A demo history of cases (演示办件), so the staff workbench and the supervision dashboard
show something on a first run: ``count`` cases over the last 30 days, driven through the
real service layer with a simulated clock. For demos only, never production.

Idempotent: if any case exists, nothing is created. Reproducible: a ``random.Random(seed)``
chooses items, applicants, plans and delays, so the same seed and ``now`` give the same
history. Working time follows the platform calendar, which must be seeded first. The
reform rows (``metric_days``) of every day of the history are written at the end.
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
from tongban.audit import service as audit
from tongban.cases import service as cases
from tongban.cases.core import prefill
from tongban.cases.enums import Channel
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.demo.handling import Handling, rate
from tongban.demo.plans import APPLICANTS, LICENCE_REUSE, Plan, Texts, plans_for
from tongban.demo.samples import attach_materials, fill_form, own_company
from tongban.demo.world import CaseClock, World
from tongban.errors import Conflict
from tongban.files.store import FileStore
from tongban.licences import holders
from tongban.licences import service as licences
from tongban.notifications import delivery
from tongban.outbox.models import OutboxMessage
from tongban.supervision import daily

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


def load_history(
    session: Session,
    *,
    store: FileStore,
    count: int = DEFAULT_CASES,
    seed: int = 2025,
    now: datetime,
    progress: Progress | None = None,
) -> Report:
    """Create ``count`` demo cases ending at ``now`` unless the database has any case; a
    simulated past (``audit.simulating``: its entries marked, no webhook told; its
    messages delivered back then, in the message centre, no e-mail or SMS now)."""
    existing = session.scalar(select(func.count(Case.id))) or 0
    if existing:
        return Report(Counter(), f"已有 {existing} 个办件，未加载演示办件 (cases exist; skipped)")
    world = make_world(session, store=store, seed=seed, now=now)
    plans = plans_for(count, world.rng)
    first_message = (session.scalar(select(func.max(OutboxMessage.id))) or 0) + 1
    with audit.simulating(session):
        reused = run_licence_reuse(world, plans, progress)
        report = run_plans(world, plans, progress)
    delivery.settle_history(session, first_id=first_message, now=now)
    report.created.update(reused)
    daily.rebuild(session, tz=world.cal.tz, now=now)  # the reform pages cover the history
    return report


def make_world(
    session: Session, *, store: FileStore, seed: int, now: datetime, **options: Any
) -> World:
    """The world of a history ending at ``now`` (``options``: ``World``'s days, channels,
    pickup)."""
    return World(
        session,
        random.Random(seed),
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
        **options,
    )


def run_plans(world: World, plans: list[Plan], progress: Progress | None = None) -> Report:
    """Make one case per plan through the service layer, and rate the finished ones."""
    created: Counter[str] = Counter()
    for plan in plans:
        case = _make_case(world, plan)
        rate(world, case)
        created[str(case.state)] += 1
        if progress:
            progress()
    return Report(created)


def run_licence_reuse(
    world: World, plans: list[Plan], progress: Progress | None = None
) -> Counter[str]:
    """The cases of ``plans.LICENCE_REUSE`` on as many of the on-time ``plans`` (taken out
    of the list), at their fixed days: an e-licence issued by the first, reused by the
    next; nothing where the plans or the catalog have not got them."""
    username, steps = LICENCE_REUSE
    applicant = next((a for a in world.applicants if a.username == username), None)
    on_time = [index for index, plan in enumerate(plans) if plan == Plan.on_time]
    if applicant is None or len(on_time) < len(steps):
        return Counter()
    if any(code not in world.specs for code, _days in steps):
        return Counter()
    for index in reversed(on_time[: len(steps)]):
        del plans[index]
    created: Counter[str] = Counter()
    answers: dict[str, Any] = {}
    for code, days in steps:
        start = world.end - timedelta(days=days)
        with world.session.begin_nested():
            case = _made(world, Plan.on_time, code, applicant, start=start, answers=answers)
        rate(world, case)
        created[str(case.state)] += 1
        answers = _registered(world.session, case) or answers
        if progress:
            progress()
    return created


def _registered(session: Session, case: Case) -> dict[str, Any]:
    """The company ``case`` registered (its 营业执照's holder code and name), for the next
    case of the chain to apply for; empty when it registered none."""
    for licence in licences.list_for_case(session, case_id=case.id):
        if licence.name == "营业执照":
            return {"credit_code": licence.holder_code, "enterprise_name": licence.holder_name}
    return {}


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


# results that end the enterprise they are issued to (its licences are cancelled, it is
# granted nothing more): the demo makes its cases in no order of their dates, so one
# finished would end a demo company before cases dated later were made for it
ENDS_ENTERPRISE = frozenset({"准予注销登记通知书"})


def _fits(plan: Plan, spec: dict[str, Any]) -> bool:
    if spec["approval_mode"] == "proactive":
        return False  # 免申即享: nobody applies; the worker's monthly run grants them
    ends = any((item.get("result") or {}).get("name") in ENDS_ENTERPRISE for item in spec["items"])
    if ends and plan in (Plan.on_time, Plan.late):
        return False
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


def _pick(world: World, plan: Plan) -> tuple[str, User]:
    codes = sorted(code for code, spec in world.specs.items() if _fits(plan, spec))
    code = world.rng.choice(codes)
    kinds = _kinds(world.specs[code])
    return code, world.rng.choice([a for a in world.applicants if a.kind in kinds])


def _kinds(spec: dict[str, Any]) -> list[str]:
    """Who applies in the demo: whom the entry serves, and only an enterprise for a licence
    of an existing business (a demo person's only company is a reserved name, never
    registered: a company's licence needs its credit code, ``holders.uncoded_operator``)."""
    kinds = catalog.subjects(spec)
    items = spec["items"]
    founds = any(holders.founds_operator(item) for item in items)
    operator = any(item["result"].get("name") in holders.OPERATOR_LICENCES for item in items)
    if operator and not founds and UserKind.enterprise in kinds:
        return [UserKind.enterprise]
    return kinds


def _start(world: World, plan: Plan) -> datetime:
    rng, end = world.rng, world.end
    if plan == Plan.waiting:  # well inside the 5 working days before deemed acceptance
        return end - timedelta(hours=rng.uniform(1, 40))
    earliest = {Plan.late: 12, Plan.on_time: 3, Plan.refused: 4}.get(plan, 1)
    return end - timedelta(days=rng.uniform(earliest, world.days - 0.5))


def _accept_time(world: World, plan: Plan, limit: int) -> datetime | None:
    """A moment of acceptance that leaves the review task due soon, overdue, or later."""
    fits = []
    for back in range(world.days - 2):
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


PICKS = 10  # tries at an item whose facts used once (a reserved name) are still free


def _make_case(world: World, plan: Plan) -> Case:
    for _attempt in range(PICKS):
        code, applicant = _pick(world, plan)
        try:
            with world.session.begin_nested():
                return _made(world, plan, code, applicant)
        except Conflict as refused:
            if refused.code not in ("already_used", "struck_off"):
                raise
    raise RuntimeError("no demo item left whose facts used once are free")


def _made(
    world: World,
    plan: Plan,
    code: str,
    applicant: User,
    start: datetime | None = None,
    answers: dict[str, Any] | None = None,
) -> Case:
    """A case of ``code`` by ``applicant`` handled to ``plan``, applied for at ``start``
    (by default a moment the plan fits), its form with ``answers`` (the company it is for)."""
    accept_at = None
    if plan.in_review:
        accept_at = _accept_time(world, plan, _review_limit(world.specs[code]) or 1)
        if accept_at is None:  # no moment fits (say, a weekend today): any open review
            plan = Plan.overdue if plan == Plan.due_soon else Plan.review
            accept_at = _accept_time(world, plan, _review_limit(world.specs[code]) or 1)
    if accept_at:
        start = accept_at - timedelta(hours=world.rng.uniform(1, 30))
    clock = CaseClock(world, start or _start(world, plan))
    case = _submitted(world, code, applicant, clock, answers)
    Handling(world, case, plan, clock).run(accept_at)
    return case


# the demo's mix of channels: half on the PC site, a third on phones, some by terminals
# and department systems (chosen by the minute, so the seeded random draws stay as they were)
# the demo's hall of another region (厦门市思明区), taking in Fuzhou's 跨域通办 items
CROSS_REGION_HALL = "XMSM"
_CHANNEL_MIX = [Channel.web] * 10 + [Channel.mobile] * 7 + [Channel.kiosk] + [Channel.api] * 2


def _channel(moment: datetime, mix: tuple[Channel, ...] = ()) -> Channel:
    mix = mix or tuple(_CHANNEL_MIX)
    return mix[int(moment.timestamp()) // 60 % len(mix)]


def _pulled(
    world: World, code: str, applicant: User, now: datetime, answers: dict[str, Any]
) -> dict[str, Any]:
    """What the shared sources fill and lock on this applicant's form given ``answers``
    (the population register's name and ID number; the enterprise register's data once the
    company's code is on the form): a demo applicant types only what no source holds, as
    a real one does."""
    request = prefill.FillRequest(
        applicant=applicant,
        actor=applicant,
        spec=world.specs[code],
        answers=answers,
        case=None,
        now=now,
    )
    found = prefill.prefill(world.session, request)
    return {name: filled.value for name, filled in found.locked().items()}


def _receiver(world: World, code: str, moment: datetime) -> User | None:
    """The clerk of another region's hall who takes in some applications for a
    跨域通办 item (one in four, by the minute) and forwards them, if the demo has one."""
    items = world.specs[code]["items"]
    if not all(item.get("cross_region") for item in items) or int(moment.timestamp()) // 60 % 4:
        return None
    return world.staff.get((CROSS_REGION_HALL, Role.clerk))


def _submitted(
    world: World,
    code: str,
    applicant: User,
    clock: CaseClock,
    company: dict[str, Any] | None = None,
) -> Case:
    session = world.session
    answers = {**Texts.answers(applicant), **_pulled(world, code, applicant, clock.now, {})}
    schema = world.specs[code]["form"]
    form = own_company(schema, fill_form(schema, answers), applicant) | (company or {})
    form |= _pulled(world, code, applicant, clock.now, form)  # what the company's code locks
    receiver = _receiver(world, code, clock.now)
    case = cases.create_case(
        session,
        applicant=applicant,
        code=code,
        form_data=form,
        now=clock.now,
        created_by=receiver,
        channel=Channel.window if receiver else _channel(clock.now, world.channels),
    )
    if world.pickup and int(clock.now.timestamp()) // 60 % 3 == 0:  # by the minute, as above
        offered = {o for i in world.specs[code]["items"] for o in i["result"].get("delivery", [])}
        if "window" in offered:
            cases.update_form(
                session,
                case=case,
                user=applicant,
                form_data=case.form_data,
                delivery="window",
                now=clock.now,
            )
    sender = receiver or applicant
    attach_materials(session, case=case, user=sender, store=world.store, now=clock.now)
    clock.at(clock.now + timedelta(minutes=world.rng.randint(3, 40)))
    return cases.submit_case(
        session, case_id=case.id, user=sender, now=clock.now, store=world.store
    )
