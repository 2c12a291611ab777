"""A month of traffic for a demo database (``tongban simulate``): ``count`` cases over the
last ``days`` days across the catalog, with every channel, corrections (补正), cases late
and overdue, refusals, rejections, withdrawals, window pickup, ratings good and bad with
their rectifications (``demo.traffic`` writes the rows, timed by the platform's rules),
and what the platform writes beside them (``demo.casefile``): each case's timeline of
audit entries, the e-licences of an approved case issued by the live issuing path at the
simulated moment (the applicant's 我的证照 lists them), the written decision of a refused or
rejected one, how its shared fields were filled, the invitation to rate of a case not
rated in time.

Then the platform's own supervision runs over what was written, as the worker would have
done day by day: every running clock (stage, promised, legal) and every open rectification
gets the alerts whose moments have passed, each raised at its own moment (warning,
overdue, escalation, each with its audit entry and staff messages dated then,
``alerts.raise_due``) and a watch job for its next moment; a clock that stopped late (a
stage done after its limit, a case decided after its promised one) the levels that came
while it ran, resolved when it stopped; then the departments call
back and appeal bad ratings and supervisors decide the appeals, through the ratings
services (``demo.followups``); their messages are left as delivered back then (in the
message centre, no mail now: ``notifications.delivery.settle_history``); and the reform
rows of the simulated days are written (``supervision.daily``).

Written in batches (one statement per table and batch; the results case by case through
the issuing path, about 10 ms of CPU a licence), 10,000 cases take minutes, not hours;
the demo history (``demo.history``) is the one that goes through the service layer call
by call. Unlike it this adds to a database that already has cases. Reproducible: the
same seed, ``now`` and database give the same traffic.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from tongban.accounts.enums import UserKind
from tongban.accounts.models import User
from tongban.alerts import service as alerts
from tongban.alerts.enums import Watched
from tongban.audit import service as audit
from tongban.cases.core import clocks, watch
from tongban.cases.enums import CaseState, Channel, TaskState
from tongban.cases.models import (
    Case,
    CasePause,
    Clock,
    CorrectionRequest,
    Material,
    ResultDocument,
    Task,
)
from tongban.catalog.definitions import HOURS_PER_WORKING_DAY
from tongban.catalog.models import CatalogEntry, CatalogVersion, Department
from tongban.config import get_settings
from tongban.db import Base
from tongban.demo import casefile
from tongban.demo.followups import follow_up
from tongban.demo.history import Report
from tongban.demo.samples import PDF
from tongban.demo.traffic import Item, Rows, Traffic, write_case
from tongban.files.store import FileStore
from tongban.notifications import delivery
from tongban.outbox.models import OutboxMessage
from tongban.ratings import tasks as rating_watch
from tongban.ratings.models import Rating, RatingInvitation
from tongban.sharing.models import FieldFill
from tongban.supervision import daily

# A city's mix (办事渠道): most online, a fifth at the window, some by kiosk and API.
CHANNELS = (
    (Channel.web,) * 8
    + (Channel.mobile,) * 6
    + (Channel.window,) * 4
    + (Channel.kiosk,)
    + (Channel.api,)
)
BATCH = 1000  # cases per batch of statements
TABLES = {  # in the order of their foreign keys
    "cases": Case.id,
    "field_fills": FieldFill.id,
    "result_documents": ResultDocument.id,
    "rating_invitations": RatingInvitation.id,
    "tasks": Task.id,
    "clocks": Clock.id,
    "case_pauses": CasePause.id,
    "correction_requests": CorrectionRequest.id,
    "materials": Material.id,
    "ratings": Rating.id,
}


def simulate(
    session: Session,
    *,
    store: FileStore,
    days: int,
    count: int,
    seed: int,
    now: datetime,
    tz: ZoneInfo,
    progress: Steps | None = None,
) -> Report:
    """Make ``count`` cases over the ``days`` days ending at ``now``, raise the alerts due
    by ``now``, follow up the bad ratings (call-backs, appeals), then write their reform
    rows; all of it simulated (``audit.simulating``: every audit entry marked, no webhook
    told, the messages delivered back then). ``progress`` is told each step as it begins (``cases`` of ``count``, ``alerts``
    of the running limits, ``followups`` and ``metrics`` of unknown length) and how far
    each went. Does not commit."""
    with audit.simulating(session):  # no webhook hears of it; its entries say so
        steps = progress or Steps()
        rng = random.Random(seed)
        items = _items(session)
        if not items:
            raise ValueError("no published catalog item to simulate")
        applicants, names, companies = _applicants(session)
        traffic = Traffic(
            session, rng, clocks.calendar(session), now, days, CHANNELS, applicants, names,
            companies, _departments(session), _sample(store),
        )  # fmt: skip
        revision = clocks.revision(session)  # the calendar ``traffic`` counts due times on
        first_ids = _next_ids(session)
        first_message = (session.scalar(select(func.max(OutboxMessage.id))) or 0) + 1
        rows = Rows(dict(first_ids))
        created: Counter[str] = Counter()
        steps.begin("cases", count)
        for start in range(0, count, BATCH):
            rows.tables, rows.steps, rows.issued = {}, [], []
            made = min(BATCH, count - start)
            for _ in range(made):
                created[write_case(traffic, rows, rng.choice(items))] += 1
            for clock in rows.tables.get("clocks", []):
                clock["calendar_revision"] = revision  # the sweep need not count them again
            for table in TABLES:  # Core executemany: one statement per table and batch
                if rows.tables.get(table):
                    session.execute(insert(Base.metadata.tables[table]), rows.tables[table])
            casefile.queue_prints(session, rows, now=now)
            casefile.record_steps(session, rows.steps)
            _reset_sequences(session)  # the live issuing path inserts with the database's ids
            casefile.issue_results(session, rows, store=store)
            rows.ids = _next_ids(session)  # past the result documents it inserted
            steps.advance(made)
        _watch(session, since=first_ids, now=now, steps=steps)
        steps.begin("followups", None)
        steps.advance(follow_up(session, since=first_ids["ratings"], rng=rng, now=now))
        delivery.settle_history(session, first_id=first_message, now=now)
        steps.begin("metrics", None)
        today = now.astimezone(tz).date()
        daily.compute_days(
            session, first=today - timedelta(days=days + 1), last=today, tz=tz, now=now
        )
        return Report(created)


class Steps:
    """Where a simulation is: told of each step as it begins and of what each did; this
    one tells nobody (the CLI's draws bars)."""

    def begin(self, name: str, total: int | None) -> None:
        """Step ``name`` (``cases``, ``alerts``, ``followups``, ``metrics``) begins: ``total`` units, or
        None when its length is not known."""

    def advance(self, done: int) -> None:
        """``done`` more units of the current step are finished."""


def _items(session: Session) -> list[Item]:
    """Items and bundles anyone applies for (免申即享 items are granted by the worker)."""
    found = session.execute(
        select(CatalogEntry, CatalogVersion)
        .join(CatalogVersion, CatalogVersion.id == CatalogEntry.current_version_id)
        .order_by(CatalogEntry.code)
    ).all()
    return [
        Item.of(entry.code, entry.name, version.id, entry.department_code, version.definition)
        for entry, version in found
        if version.definition.get("approval_mode") != "proactive"
    ]


def _departments(session: Session) -> dict[str, str]:
    return {code: name for code, name in session.execute(select(Department.code, Department.name))}


def _applicants(
    session: Session,
) -> tuple[dict[str, list[int]], dict[int, str], dict[int, dict[str, str]]]:
    """The applicants' user ids by subject kind, their names, and each enterprise's name
    and credit code as its forms carry them."""
    found: dict[str, list[int]] = {}
    names: dict[int, str] = {}
    companies: dict[int, dict[str, str]] = {}
    for user_id, kind, name, company, code in session.execute(
        select(User.id, User.kind, User.display_name, User.enterprise_name, User.credit_code)
        .where(User.kind != UserKind.staff)
        .order_by(User.id)
    ):
        found.setdefault(str(kind), []).append(user_id)
        names[user_id] = name
        if company and code:
            companies[user_id] = {"enterprise_name": company, "credit_code": code}
    return found, names, companies


def _sample(store: FileStore) -> dict[str, object]:
    """The stored file simulated uploads point at (one real file, read back like any)."""
    key = store.put(PDF)
    return {
        "filename": "sample.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "sha256": hashlib.sha256(PDF).hexdigest(),
        "storage_key": key,
    }


def _next_ids(session: Session) -> dict[str, int]:
    return {name: (session.scalar(select(func.max(col))) or 0) + 1 for name, col in TABLES.items()}


def _watch(session: Session, *, since: dict[str, int], now: datetime, steps: Steps) -> None:
    """What the worker would have done by ``now``: raise every alert whose moment has come
    and schedule the watch job of each running limit at its next moment."""
    cal = clocks.calendar(session)
    # the cases and open tasks the clocks belong to, in the identity map at once
    session.scalars(select(Case).where(Case.id >= since["cases"], Case.closed_at.is_(None))).all()
    session.scalars(
        select(Task).where(Task.id >= since["tasks"], Task.state == TaskState.open)
    ).all()
    running = session.scalars(
        select(Clock)
        .join(Case, Case.id == Clock.case_id)
        .where(
            Clock.id >= since["clocks"],
            Clock.stopped_at.is_(None),
            Clock.kind.in_(watch.WATCHED_KINDS),
            Case.state != CaseState.correction_requested,
        )
    ).all()
    late = _ran_late(session, since=since["clocks"])
    steps.begin("alerts", len(running) + len(late))
    for clock in running:
        steps.advance(1)
        case = session.get_one(Case, clock.case_id)
        target = watch.target(session, case=case, clock=clock)
        moments = watch.moments(cal, clock, [])
        again = _raise_as_they_fell_due(
            partial(alerts.raise_due, session, target=target, moments=moments), moments, now=now
        )
        if again is not None:
            alerts.watch(session, watched=Watched.clock, watched_id=clock.id, at=again, now=now)
    for clock, stopped in late:  # the levels that came while it ran, resolved when it stopped
        steps.advance(1)
        target = watch.target(session, case=session.get_one(Case, clock.case_id), clock=clock)
        moments = [
            (level, at if at is not None and at < stopped else None)
            for level, at in watch.moments(cal, clock, [])
        ]
        _raise_as_they_fell_due(
            partial(alerts.raise_due, session, target=target, moments=moments), moments, now=now
        )
        alerts.resolve(session, watched=Watched.clock, watched_ids=[clock.id], now=stopped)
    for rating in session.scalars(
        select(Rating).where(
            Rating.id >= since["ratings"],
            Rating.rectify_due_at.is_not(None),
            Rating.rectified_at.is_(None),
        )
    ):
        next_at = _raise_as_they_fell_due(
            partial(rating_watch.run_watch, session, payload={"id": rating.id}),
            rating_watch.moments(cal, rating),
            now=now,
        )
        if next_at is not None:
            alerts.watch(session, watched=Watched.rating, watched_id=rating.id, at=next_at, now=now)


def _ran_late(session: Session, *, since: int) -> list[tuple[Clock, datetime]]:
    """The stopped clocks from ``since`` on that may have been warned about while they ran,
    each with when it stopped: those that ran at least the warning share of their limit
    counted in working hours (a lower bound of the warning's moment in any unit: a
    calendar day is longer than a working day's hours, a working day's moment later)."""
    share = get_settings().warning_share
    ended = session.scalars(
        select(Clock).where(
            Clock.id >= since,
            Clock.stopped_at.is_not(None),
            Clock.kind.in_(watch.WATCHED_KINDS),
        )
    )
    return [
        (clock, clock.stopped_at)
        for clock in ended
        if clock.stopped_at is not None
        and (clock.stopped_at - clock.started_at).total_seconds() / 3600
        >= share * clock.limit * (1 if clock.unit == "hours" else HOURS_PER_WORKING_DAY)
    ]


def _raise_as_they_fell_due(
    raise_at: Callable[..., object], moments: alerts.Moments, *, now: datetime
) -> datetime | None:
    """Raise each level at its own moment up to ``now``, as a worker running all along
    would have (its alert, audit entry and messages dated then), not the highest alone at
    ``now`` as a worker catching up does; returns the next moment after ``now``."""
    for at in sorted(at for _, at in moments if at is not None and at <= now):
        raise_at(now=at)
    return min((at for _, at in moments if at is not None and at > now), default=None)


def _reset_sequences(session: Session) -> None:
    """Ids were given here: PostgreSQL's sequences move past them for the next insert."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        )
