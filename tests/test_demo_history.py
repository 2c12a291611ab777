"""The demo case history: every kind of case the workbench and the dashboard show,
made through the service rules, reproducible, and loaded once.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import subscribe_every_event
from tongban.accounts.models import User
from tongban.audit import service as audit
from tongban.audit.models import AuditEntry
from tongban.cases import service as cases
from tongban.cases.models import Case
from tongban.demo import history as demo_history
from tongban.demo.plans import APPLICANTS, Texts
from tongban.files.store import LocalFileStore
from tongban.identifiers import validate_credit_code, validate_resident_id
from tongban.integration.models import WebhookDelivery
from tongban.licences import service as licences
from tongban.licences.models import Licence
from tongban.licences.setup import current
from tongban.outbox.models import OutboxMessage
from tongban.ratings.models import Rating
from tongban.supervision import service as supervision

COUNT = 20  # one round of plans: each kind at least once


def _load(db: Session, tmp_path: Path, seed: int = 7) -> demo_history.Report:
    store = LocalFileStore(tmp_path / "files")
    return demo_history.load_history(db, store=store, count=COUNT, seed=seed, now=START)


@pytest.fixture
def history(db: Session, tmp_path: Path) -> demo_history.Report:
    report = _load(db, tmp_path)
    db.flush()
    return report


def _all_cases(db: Session) -> list[Case]:
    return list(db.scalars(select(Case).order_by(Case.id)))


def test_every_kind_of_case_is_there(db: Session, history: demo_history.Report) -> None:
    assert sum(history.created.values()) == COUNT == len(_all_cases(db))
    assert set(history.created) == {
        "submitted",
        "correction_requested",
        "in_review",
        "completed",
        "refused",
        "rejected",
        "withdrawn",
    }
    assert "completed" in history.summary() and str(COUNT) in history.summary()


def test_the_dashboard_has_figures(db: Session, history: demo_history.Report) -> None:
    figures = supervision.dashboard(db, now=START, tz=cases.calendar(db).tz)
    total = figures.total
    assert total.finished > total.late > 0 and total.due_soon > 0 and total.overdue > 0
    assert len([d for d, c in figures.departments.items() if c.open]) >= 3
    assert figures.overdue and sum(n for _, n in figures.received_per_day) == COUNT


def test_cases_went_through_the_service_rules(db: Session, history: demo_history.Report) -> None:
    for case in _all_cases(db):
        every = [entry.action for entry in audit.entries_for_case(db, case_id=case.id)]
        # 告知承诺书 signed, and a held e-licence used (audited as the case is submitted)
        actions = [action for action in every if action not in ("material.signed", "licence.used")]
        assert actions[:2] == ["case.create", "case.submit"], every
        times = [entry.at for entry in audit.entries_for_case(db, case_id=case.id)]
        assert times == sorted(times) and times[-1] <= START
        assert case.received_at is not None
        if case.state == "completed":
            assert case.decided_at and case.closed_at and case.accepted_at


def test_ratings_mostly_good_a_few_bad_some_rectified(db: Session, tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "files")
    demo_history.load_history(db, store=store, count=60, seed=8, now=START)
    rows = list(db.scalars(select(Rating)))
    good, bad = [r for r in rows if r.score >= 4], [r for r in rows if r.score <= 2]
    assert len(good) > len(rows) / 2 and 0 < len(bad) < len(good)
    assert any(r.rectified_at for r in bad) and all(r.rectification is None for r in good)


def test_history_is_on_demo_applicants_with_valid_numbers(
    db: Session, history: demo_history.Report
) -> None:
    applicants = {db.get_one(User, case.applicant_id).username for case in _all_cases(db)}
    assert applicants <= {entry["username"] for entry in APPLICANTS}
    assert not applicants & {"zhangsan", "minfeng"}
    for entry in APPLICANTS:
        validate_resident_id(entry["id_number"])
        if "credit_code" in entry:
            validate_credit_code(entry["credit_code"])


def _fingerprint(db: Session) -> list[Any]:
    """What a person sees of the history; row ids differ on PostgreSQL, whose sequences
    do not roll back."""
    return [
        (c.catalog_code, c.state, c.created_at, db.get_one(User, c.applicant_id).username)
        for c in _all_cases(db)
    ]


def test_the_same_seed_gives_the_same_history(db: Session, tmp_path: Path) -> None:
    _load(db, tmp_path)
    first = _fingerprint(db)
    db.rollback()
    assert _fingerprint(db) == []
    _load(db, tmp_path)
    assert _fingerprint(db) == first
    db.rollback()
    _load(db, tmp_path, seed=8)
    assert _fingerprint(db) != first


def test_a_second_run_does_nothing(db: Session, tmp_path: Path, history: Any) -> None:
    again = _load(db, tmp_path)
    assert again.skipped and not again.created
    assert len(_all_cases(db)) == COUNT


def test_no_subscribed_system_is_told_of_the_demo_history(db: Session, tmp_path: Path) -> None:
    """Fault: the history is driven through the live services, whose tasks opened, cases
    accepted and licences issued the webhooks heard, so a department system subscribed
    before the demo was loaded got a month of events of cases nobody applied for."""
    subscribe_every_event(db, ("MZ", "SCJG", "GA", "RS"), START)
    _load(db, tmp_path)
    assert not db.scalars(select(WebhookDelivery)).all()
    issued = db.scalars(select(AuditEntry).where(AuditEntry.action == "licence.issued")).all()
    assert issued and all(entry.data["simulated"] is True for entry in issued)


def test_finished_licence_cases_left_signed_licences_in_their_holders_wallets(
    db: Session, history: demo_history.Report
) -> None:
    issued = list(db.scalars(select(Licence).order_by(Licence.id)))
    assert issued, "the demo history issues no licence"
    for licence in issued:
        case = db.get_one(Case, licence.case_id)
        assert case.state in ("completed", "delivering")
        applicant = db.get_one(User, case.applicant_id)
        assert licence in licences.list_for_holder(db, user=applicant)
        assert (
            licences.verify_lookup(
                db, keyring=current().keyring, text=licence.identifier, today=licence.issued_on
            ).verdict
            == "valid"
        )


def test_each_case_names_only_its_applicants_own_company(
    db: Session, history: demo_history.Report
) -> None:
    """Found from a fresh clone: every demo form carried minfeng's credit code, so the
    demo account minfeng saw other applicants' licences and companies as its own."""
    users = {user.id: user for user in db.scalars(select(User))}
    demo_codes = {user.credit_code for user in users.values() if user.credit_code}
    for case in _all_cases(db):
        applicant = users[case.applicant_id]
        for name, value in case.form_data.items():
            if name.endswith("credit_code") and value:
                assert value not in demo_codes - {applicant.credit_code}, (case.number, name)
    for user in users.values():
        if user.credit_code:
            for licence in licences.list_for_code(db, holder_code=user.credit_code):
                owner = db.get_one(Case, licence.case_id).applicant_id
                assert owner == user.id, (user.username, licence.number)


def test_the_reform_rows_cover_the_whole_history(db: Session, history: Any) -> None:
    """The reform page reads ``metric_days``: every day of the history is aggregated when
    the demo loads, not only the two days the worker's refresh rewrites."""
    from tongban.supervision.models import MetricDay
    from tongban.supervision.reform import ReformFilter, reform_figures

    tz = cases.calendar(db).tz
    made = _all_cases(db)
    today = START.astimezone(tz).date()
    first = min(c.submitted_at for c in made if c.submitted_at).astimezone(tz).date()
    assert (today - first).days > 20
    days = set(db.scalars(select(MetricDay.day)))
    assert min(days) == first
    figures = reform_figures(db, tz=tz, where=ReformFilter(first, today))
    assert figures.total["received"] == len(made)
    assert figures.total["decided"] == sum(1 for c in made if c.decided_at)


def test_a_refusal_gives_a_reason_of_its_own_item(db: Session, history: Any) -> None:
    """The demo refused 二手房过户 because a restaurant's premises failed hygiene."""
    places = {"3501-SCJG-002", "3501-SCJG-005", "3501-WJW-003"}  # premises inspected
    items = Path(__file__).resolve().parent.parent / "catalog" / "items"
    for code in [path.stem for path in items.glob("*.yaml")]:
        for reason in Texts.refusals(code):
            assert code in places or not ("卫生" in reason or "场所" in reason), (code, reason)
    refused = [case for case in _all_cases(db) if case.state == "refused"]
    assert refused
    for case in refused:
        reviews = [t for t in case.tasks if t.stage == "review" and t.outcome == "refused"]
        assert reviews, case.number
        for task in reviews:
            assert task.opinion in Texts.refusals(task.item_code or case.catalog_code)
        decision = next(t for t in case.tasks if t.stage == "decide")
        assert decision.opinion == reviews[-1].opinion


def test_the_history_s_messages_are_in_the_message_centre_not_sent_now(
    db: Session, tmp_path: Path
) -> None:
    """Fault: the history's month of messages was left pending, so the first delivery
    round mailed and texted every demo applicant and clerk a month of past news at once.
    They were delivered back then: in the message centre, nothing left for the worker."""
    _load(db, tmp_path)
    statuses = Counter(db.scalars(select(OutboxMessage.status)))
    assert statuses["sent"] and not statuses["pending"], statuses
