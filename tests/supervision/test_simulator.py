"""``tongban simulate``: a month of traffic timed by the platform's rules with the mix the
dashboard needs (channels, window pickup, corrections, late cases, refusals, ratings bad
and rectified), reproducible by seed, with the reform rows of the month written."""

from __future__ import annotations

import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import START, token
from tests.supervision.conftest import TZ
from tongban.accounts.models import User
from tongban.alerts.models import Alert
from tongban.audit.models import AuditEntry
from tongban.cases.core import clocks, queries
from tongban.cases.core.machine import TRANSITIONS, Event
from tongban.cases.enums import CaseState, ClockKind
from tongban.cases.models import Case, Clock, CorrectionRequest, Material, ResultDocument, Task
from tongban.cases.stages.documents import PRINT_JOB, print_document
from tongban.catalog.models import CatalogVersion
from tongban.config import get_settings
from tongban.demo.simulator import Steps, simulate
from tongban.files.store import LocalFileStore
from tongban.jobs.models import Job
from tongban.licences import service as licences
from tongban.licences.printing import print_job
from tongban.notifications.service import inbox
from tongban.outbox.models import OutboxMessage
from tongban.ratings import service
from tongban.ratings.models import Rating, RatingInvitation
from tongban.ratings.rules import BAD_TAGS, RATEABLE_STATES
from tongban.sharing import backfill
from tongban.supervision.models import MetricDay
from tongban.supervision.reform import ReformFilter, reform_figures
from tongban.web.runtime import Runtime


def test_a_month_has_the_mix_of_a_real_month(db: Session, tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")
    began = time.monotonic()
    report = simulate(db, store=store, days=30, count=COUNT, seed=4, now=START, tz=TZ)
    elapsed = time.monotonic() - began
    cases = list(db.scalars(select(Case)))
    assert len(cases) == COUNT == sum(report.created.values())
    states = Counter(str(c.state) for c in cases)
    assert {"completed", "refused", "rejected", "correction_requested", "in_review"} <= set(states)
    channels = Counter(str(c.channel) for c in cases)
    assert channels["window"] and channels["web"] and channels["mobile"]
    assert any(c.delivery == "window" for c in cases)
    assert db.scalar(select(func.count()).select_from(CorrectionRequest))
    first, last = min(c.submitted_at for c in cases), max(c.submitted_at for c in cases)  # type: ignore[type-var]
    assert (last - first).days >= 20 and last <= START  # spread over the month, never ahead
    ratings = list(db.scalars(select(Rating)))
    assert any(r.score <= 2 for r in ratings) and any(r.rectified_at for r in ratings)
    # a bad rating says why with its reason tag; one of a case that ran late, 办理时间长
    bad = [r for r in ratings if r.score <= 2]
    assert all(len(r.tags) == 1 and r.tags[0] in BAD_TAGS for r in bad)
    late = set(db.scalars(select(Task.case_id).where(Task.finished_at > Task.due_at).distinct()))
    slow = [r for r in bad if r.case_id in late]
    assert slow and all(r.tags == ["办理时间长"] for r in slow)
    # the dashboard's call-back and appeal figures are not 0: recorded through the services
    rated = service.figures(db, now=START).total
    assert 0 < rated.called_back <= rated.rectified and 0 < rated.appeals < rated.bad / 4
    assert rated.appeals_upheld < rated.appeals
    missed = select(func.count()).where(AuditEntry.action == "rating.callback_missed")
    assert 0 < db.scalar(missed.select_from(AuditEntry)) < rated.called_back
    today = START.astimezone(TZ).date()
    figures = reform_figures(
        db, tz=TZ, where=ReformFilter(today.replace(day=1).replace(month=8), today)
    )
    assert db.scalar(select(func.count()).select_from(MetricDay))
    assert figures.total["decided"] == sum(1 for c in cases if c.decided_at)
    assert figures.total.rates["trips_cut"] is not None
    print(f"simulated {COUNT} cases in {elapsed:.1f} s")
    assert elapsed < 60  # a batch writer: 10,000 cases in minutes, not the hours of one by one


COUNT = 400


def test_due_times_lateness_and_alerts_follow_the_platform_rules(
    db: Session, tmp_path: Path
) -> None:
    """Due times on the holiday calendar; late exactly when the promised clock stopped at or
    after its due time; the alerts of running limits raised as the worker raises them."""
    store = LocalFileStore(tmp_path / "files")
    simulate(db, store=store, days=30, count=COUNT, seed=14, now=START, tz=TZ)
    cal = clocks.calendar(db)
    counted = 0
    for clock, started in db.execute(
        select(Clock, Clock.started_at).where(Clock.unit == "working_days")
    ):
        assert clock.due_at == cal.add_working_days(started, clock.limit)
        counted += 1
    assert counted > COUNT  # promised, legal and running stage clocks
    for task in db.scalars(select(Task).where(Task.due_at.is_not(None))):
        assert task.due_at >= task.started_at
    promised = list(db.scalars(select(Clock).where(Clock.kind == ClockKind.promised)))
    late = [c for c in promised if c.stopped_at and c.stopped_at >= c.due_at]
    assert late and len(late) < len(promised) / 3
    levels = Counter(str(a.level) for a in db.scalars(select(Alert)))
    assert levels["warning"] and levels["overdue"] and levels["escalated"], levels
    overdue = db.scalars(
        select(Clock).where(Clock.stopped_at.is_(None), Clock.due_at <= START)
    ).all()
    red = Alert.level.in_(["overdue", "escalated"])  # the highest level reached, alone
    raised = set(db.scalars(select(Alert.watched_id).where(red)))
    assert overdue and {c.id for c in overdue if c.kind != ClockKind.acceptance} <= raised
    assert (
        db.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "alert.overdue")
        )
        == levels["overdue"]
    )
    waiting = db.scalars(select(Job).where(Job.kind == "clock.watch", Job.due_at > START)).all()
    assert waiting  # the rest is left to the worker


def test_the_same_seed_gives_the_same_traffic(db: Session, tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")
    simulate(db, store=store, days=10, count=20, seed=5, now=START, tz=TZ)
    first = [
        (c.catalog_code, str(c.state), str(c.channel))
        for c in db.scalars(select(Case).order_by(Case.id))
    ]
    db.rollback()
    simulate(db, store=store, days=10, count=20, seed=5, now=START, tz=TZ)
    again = [
        (c.catalog_code, str(c.state), str(c.channel))
        for c in db.scalars(select(Case).order_by(Case.id))
    ]
    assert first == again


class _Told(Steps):
    """What a progress display is told."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, int | None]] = []
        self.done: Counter[str] = Counter()

    def begin(self, name: str, total: int | None) -> None:
        self.steps.append((name, total))

    def advance(self, done: int) -> None:
        self.done[self.steps[-1][0]] += done


def test_the_progress_covers_every_step_not_only_the_cases(db: Session, tmp_path: Path) -> None:
    """The bar was full once the cases were written while alerts and reform rows still ran
    (45 of 70 seconds in a trial): each step is told as it begins, and how far it went."""
    told = _Told()
    store = LocalFileStore(tmp_path / "files")
    simulate(db, store=store, days=10, count=20, seed=5, now=START, tz=TZ, progress=told)
    assert [name for name, _ in told.steps] == ["cases", "alerts", "followups", "metrics"]
    assert told.steps[0] == ("cases", 20) and told.done["cases"] == 20
    assert told.done["alerts"] == told.steps[1][1] and told.steps[3] == ("metrics", None)


def test_the_history_s_messages_are_in_the_message_centre_not_queued_for_today(
    db: Session, tmp_path: Path
) -> None:
    """Trial 12, fault 2: the simulator left ~4,000 messages pending, and a message of today
    waited 20 minutes behind them. Those of the history were delivered back then: in the
    staff's message centre, dated when they were written, nothing left for the worker."""
    store = LocalFileStore(tmp_path / "files")
    simulate(db, store=store, days=30, count=COUNT, seed=6, now=START, tz=TZ)
    statuses = Counter(db.scalars(select(OutboxMessage.status)))
    assert statuses["sent"] and not statuses["pending"], statuses
    spread = select(OutboxMessage.recipient_id).where(OutboxMessage.parent_id.is_not(None))
    staff = db.get_one(User, db.scalars(spread.limit(1)).one())  # a department's, spread
    read = inbox(db, user=staff, limit=500)
    assert read and all(row.message.sent_at == row.message.created_at for row in read)


def test_alerts_are_dated_when_they_fell_due_not_when_the_simulation_ran(
    db: Session, tmp_path: Path
) -> None:
    """Trial 20, fault 1: every alert of the simulated month said it was raised at the
    minute the simulation ran, the highest level alone. A worker running all along raised
    each level at its own moment: the warning first, the overdue alert when the limit ran
    out, with its audit entry and the staff's messages of that moment."""
    store = LocalFileStore(tmp_path / "files")
    simulate(db, store=store, days=30, count=COUNT, seed=7, now=START, tz=TZ)
    raised = list(db.scalars(select(Alert)))
    assert raised and all(a.raised_at < START for a in raised)
    overdue = [a for a in raised if a.level == "overdue"]
    assert overdue and all(a.raised_at == a.due_at for a in overdue)
    levels: dict[tuple[str, int], set[str]] = {}
    for a in raised:
        levels.setdefault((str(a.watched), a.watched_id), set()).add(str(a.level))
    assert any({"warning", "overdue", "escalated"} <= seen for seen in levels.values())
    entries = {
        (e.object_type, e.object_id, e.action): e.at
        for e in db.scalars(select(AuditEntry).where(AuditEntry.action.like("alert.%")))
    }
    assert len(entries) == len(raised)
    for a in raised:
        assert entries[(str(a.watched), str(a.watched_id), f"alert.{a.level}")] == a.raised_at
    told = db.scalars(select(OutboxMessage).where(OutboxMessage.topic.like("limit_%"))).all()
    assert told and all(m.created_at < START for m in told)


def test_a_stage_that_finished_late_was_warned_about_while_it_ran(
    db: Session, tmp_path: Path
) -> None:
    """Trial 20: only the limits still running at the end of the month had alerts; a
    stage finished late, or a case decided after its promised limit, had none, so the
    month's warnings and escalations counted only its last days. As on the platform each
    stage has its clock, stopped when it is done; the levels that came while it ran were
    raised at their moments and resolved when it stopped."""
    store = LocalFileStore(tmp_path / "files")
    simulate(db, store=store, days=30, count=COUNT, seed=8, now=START, tz=TZ)
    done = db.scalars(select(Task).where(Task.finished_at.is_not(None))).all()
    clocked = {c.task_id: c for c in db.scalars(select(Clock).where(Clock.task_id.is_not(None)))}
    assert all(clocked[t.id].stopped_at == t.finished_at for t in done)
    stopped = {c.id: c for c in db.scalars(select(Clock).where(Clock.stopped_at.is_not(None)))}
    late = {i for i, c in stopped.items() if c.stopped_at and c.stopped_at > c.due_at}
    kinds = {stopped[i].kind for i in late}
    assert ClockKind.stage in kinds and ClockKind.promised in kinds
    overdue = {
        a.watched_id: a
        for a in db.scalars(select(Alert).where(Alert.level == "overdue", Alert.watched == "clock"))
        if a.watched_id in stopped
    }
    assert set(overdue) == late
    for ident, alert in overdue.items():
        assert alert.raised_at == alert.due_at < stopped[ident].stopped_at
        assert alert.resolved_at == stopped[ident].stopped_at


def test_rating_invitations_go_only_to_finished_cases_not_rated_in_time(
    db: Session, tmp_path: Path
) -> None:
    """Trial 20, fault 2: the simulated month had no 智能邀评, and the worker's next sweep
    invited every unrated case of the month at once. Each finished case not rated within
    the days allowed was invited once, when they ran out; no rated or unfinished case."""
    store = LocalFileStore(tmp_path / "files")
    simulate(db, store=store, days=30, count=COUNT, seed=8, now=START, tz=TZ)
    after = timedelta(days=get_settings().rating_invite_after_days)
    rated = set(db.scalars(select(Rating.case_id).where(Rating.stage == "completion")))
    finished = db.scalars(select(Case).where(Case.state.in_(RATEABLE_STATES))).all()
    due = {
        c.id: c.closed_at + after
        for c in finished
        if c.id not in rated and c.closed_at is not None and c.closed_at + after <= START
    }
    invited = {i.case_id: i.invited_at for i in db.scalars(select(RatingInvitation))}
    assert due and invited == due
    assert service.run_due_invitations(db, now=START) == []  # nothing left for the worker
    told = db.scalars(select(OutboxMessage).where(OutboxMessage.topic == "rating_invited")).all()
    assert sorted(m.created_at for m in told) == sorted(due.values())


def test_a_simulated_case_has_its_timeline_and_its_results(db: Session, tmp_path: Path) -> None:
    """Trial 20, fault 3: a simulated case's page had an empty timeline and no result
    documents. Each step is on the timeline at its simulated moment, and an issued case
    lists its results, printed by the worker's print job as any case's."""
    store = LocalFileStore(tmp_path / "files")
    simulate(db, store=store, days=30, count=COUNT, seed=9, now=START, tz=TZ)
    done = db.scalars(select(Case).where(Case.state == "completed").order_by(Case.id)).all()
    corrected = set(db.scalars(select(CorrectionRequest.case_id)))
    case = next(c for c in done if c.id in corrected)
    shown = queries.timeline(db, case=case, now=START).events
    events = [e for e in shown if e.action.startswith("case.")]
    actions = [e.action for e in events]
    assert actions[:4] == ["case.submit", "case.request_correction", "case.resubmit", "case.accept"]
    assert actions[-1] in ("case.issue", "case.deliver", "case.approve", "case.review_complete")
    assert events[0].at == case.submitted_at and events[-1].at == case.closed_at
    assert events[3].at == case.accepted_at and events[0].actor_id == case.applicant_id
    assert [e.at for e in shown] == sorted(e.at for e in shown)
    moved = select(AuditEntry).where(AuditEntry.to_state.is_not(None))
    moves = [m for m in db.scalars(moved) if m.object_type == "case"]
    assert len(moves) > COUNT  # each case moves at least once, and each move is the machine's
    for move in moves:
        event = Event(move.action.removeprefix("case."))
        assert move.to_state in TRANSITIONS[(CaseState(move.from_state), event)], move.action
    rating = db.scalars(select(Rating).where(Rating.rectified_at.is_not(None))).first()
    assert rating is not None  # a bad rating rectified: both on the case's timeline
    rated = queries.timeline(db, case=db.get_one(Case, rating.case_id), now=START).events
    said = {e.action: e.at for e in rated if e.action in ("rating.create", "rating.rectify")}
    assert said == {"rating.create": rating.created_at, "rating.rectify": rating.rectified_at}
    for task in case.tasks:
        entry = db.scalars(
            select(AuditEntry).where(
                AuditEntry.object_type == "task", AuditEntry.object_id == str(task.id)
            )
        ).one()
        assert entry.at == task.finished_at and entry.action == "task.approved"
    issued = db.scalars(
        select(ResultDocument).where(ResultDocument.case_id.in_([c.id for c in done]))
    )
    documents = list(issued)
    assert {d.case_id for d in documents} == {c.id for c in done if _has_result(db, c)}
    assert all(d.issued_at <= START and d.number and not d.ready for d in documents)
    # the decisions against are official documents printed by their job; the results are
    # e-licences, printed by the licence's job (tests/supervision/test_simulated_licences.py)
    printing = {
        j.payload["document_id"] for j in db.scalars(select(Job).where(Job.kind == PRINT_JOB))
    }
    against = select(ResultDocument.id).where(ResultDocument.kind.in_(("refusal", "rejection")))
    assert printing == set(db.scalars(against))
    [licence] = licences.list_for_case(db, case_id=documents[0].case_id)[:1]
    print_job(db, payload={"licence_id": licence.id}, now=START, store=store)
    assert documents[0].ready and store.get(documents[0].storage_key).startswith(b"%PDF")


def test_a_simulated_refusal_or_rejection_has_its_reason_and_its_written_decision(
    db: Session, tmp_path: Path
) -> None:
    """Trial 20: a refused or rejected simulated case had no decision document and no
    reason on its timeline, and every task of it said 准予 (approved). As on the platform:
    the reason on the timeline, the department that said no with its task refused, and
    the 不予受理通知书 or 不予行政许可决定书 with the reason, numbered and printed."""
    store = LocalFileStore(tmp_path / "files")
    simulate(db, store=store, days=30, count=COUNT, seed=12, now=START, tz=TZ)
    titles = {"rejected": ("不予受理通知书",), "refused": ("不予行政许可决定书", "不予备案决定书")}
    for state, written in titles.items():
        closed = db.scalars(select(Case).where(Case.state == state)).all()
        assert closed, state
        for case in closed:
            [decision] = db.scalars(select(ResultDocument).where(ResultDocument.case_id == case.id))
            assert decision.title in written and decision.issued_at == case.closed_at
            assert decision.content is not None and decision.number
            reason = (
                dict(map(tuple, decision.content["rows"])).get(
                    "不予受理理由" if state == "rejected" else "不予许可理由"
                )
                or dict(map(tuple, decision.content["rows"]))["不予备案理由"]
            )
            events = queries.timeline(db, case=case, now=START).events
            said = next(e for e in events if e.action in ("case.reject", "case.refuse"))
            assert said.opinion == reason and said.at == case.closed_at
            assert "refused" in {t.outcome for t in case.tasks if t.finished_at}
    decision = db.scalars(select(ResultDocument).where(ResultDocument.kind == "refusal")).first()
    assert decision is not None and "不许" in str(decision.number) + "不备"
    print_document(db, payload={"document_id": decision.id}, now=START, store=store)
    assert store.get(decision.storage_key).startswith(b"%PDF")


def _has_result(db: Session, case: Case) -> bool:
    spec = db.get_one(CatalogVersion, case.catalog_version_id).definition
    return any(item["result"]["kind"] != "none" for item in spec["items"])


def test_the_backfill_rate_of_simulated_cases_is_a_real_one(db: Session, tmp_path: Path) -> None:
    """Trial 20, fault 4: the dashboard's backfill rate (回填率) was empty for the simulated
    month: no case said how its shared fields were filled. Most came from their source,
    a few were typed by hand, for the reasons the dashboard lists."""
    store = LocalFileStore(tmp_path / "files")
    simulate(db, store=store, days=30, count=COUNT, seed=10, now=START, tz=TZ)
    today = START.astimezone(TZ).date()
    figures = reform_figures(db, tz=TZ, where=ReformFilter(today - timedelta(days=40), today))
    rate = figures.total.rates["backfill_rate"]
    assert rate is not None and 0.8 < rate < 0.97
    typed = backfill.typed_by_hand(db, since=START - timedelta(days=31), until=START)
    assert typed and {t.reason for t in typed} <= set(backfill.REASON_ZH)


def test_the_applicant_of_a_simulated_case_sees_its_steps_and_its_results(
    db: Session, client: TestClient, runtime: Runtime
) -> None:
    """What the applicant reads of a simulated case through the API, as of a real one:
    the steps on its timeline, and its results once the worker has printed them."""
    simulate(db, store=runtime.store, days=10, count=40, seed=11, now=START, tz=TZ)
    results = select(ResultDocument).where(ResultDocument.kind.not_in(("refusal", "rejection")))
    document = db.scalars(results.order_by(ResultDocument.id)).first()
    assert document is not None
    [licence] = licences.list_for_case(db, case_id=document.case_id)[:1]
    print_job(db, payload={"licence_id": licence.id}, now=START, store=runtime.store)
    case = db.get_one(Case, document.case_id)
    db.flush()
    headers = token(client, db.get_one(User, case.applicant_id).username)
    url = f"/api/v1/cases/{case.number}"
    events = client.get(f"{url}/timeline", headers=headers).json()["events"]
    actions = [e["action"] for e in events]
    assert actions[0] == "case.submit" and "case.accept" in actions
    results = client.get(f"{url}/results", headers=headers).json()
    assert [r["title"] for r in results] == [document.title]


def test_every_simulated_upload_has_its_file(db: Session, tmp_path: Path) -> None:
    """A batch's materials went in as one statement whose columns were its first row's: a
    batch opening with a shared or e-licence material lost the file of every upload."""
    store = LocalFileStore(tmp_path / "files")
    simulate(db, store=store, days=10, count=40, seed=11, now=START, tz=TZ)
    uploads = db.scalars(select(Material).where(Material.way == "upload")).all()
    assert uploads and all(m.filename and m.storage_key for m in uploads)
    assert store.get(uploads[0].storage_key).startswith(b"%PDF")


def test_simulated_clocks_carry_the_calendar_their_due_times_were_counted_on(
    db: Session, tmp_path: Path
) -> None:
    """A clock without its calendar's revision is counted again by its first watch (one
    UPDATE per simulated clock); the simulator counted them all on the calendar in force."""
    simulate(db, store=LocalFileStore(tmp_path), days=5, count=20, seed=3, now=START, tz=TZ)
    stamped = set(db.scalars(select(Clock.calendar_revision)))
    assert stamped == {clocks.revision(db)}
