"""Every entry of the demo catalog: the approval mode its guide shows (审批方式) is the path
its cases really take, driven through the service layer.

- ordinary (一般审批): after submission (and the worker) the case waits for a clerk; staff
  accept, review and decide it: the decision is a person's;
- proactive (免申即享): nobody may apply; a policy run finds an eligible subject and the
  grant is a completed case no staff member touched (after one click, or none);
- commitment (告知承诺): handled like an ordinary case, and the approved case shows its
  post-approval check (事后核查) to the applicant;
- instant (秒批): the case is decided at submission, by no person.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tests.factories import account_of
from tests.inspection.support import pass_required_inspection
from tests.verification.support import answer_verifications
from tests.web.support import SignedIn
from tongban import worker
from tongban.accounts import service as accounts
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.audit.service import SYSTEM
from tongban.benefits import service as benefits
from tongban.cases import service as cases
from tongban.cases.enums import CaseState, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.catalog.policies import SUBJECT_SOURCES
from tongban.demo.samples import attach_materials, fill_form
from tongban.errors import Conflict
from tongban.instant.models import InstantDecision
from tongban.notices import service as notices
from tongban.payments import service as payments
from tongban.sharing.models import SourceRecord
from tongban.timefmt import local
from tongban.web.runtime import Runtime

ROOT = Path(__file__).resolve().parents[2] / "catalog"
NOW = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)  # Monday 09:00 in Fuzhou
APPLICANTS = {"person": "zhangsan", "enterprise": "minfeng"}
PROACTIVE_APPLICANTS = {"person": "zhoulao", "enterprise": "minfeng"}
ROLES = {
    Stage.accept: Role.clerk,
    Stage.review: Role.reviewer,
    Stage.decide: Role.approver,
    Stage.issue: Role.issuer,
    Stage.deliver: Role.issuer,
}


def _labels() -> list[tuple[str, str]]:
    """(code, approval mode) of every item and bundle file of the demo catalog."""
    found = []
    for folder in ("items", "bundles"):
        for path in sorted((ROOT / folder).glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            found.append((data["code"], data.get("approval_mode", "ordinary")))
    return found


def _params() -> list[Any]:
    return [pytest.param(code, mode, id=f"{code}-{mode}") for code, mode in _labels()]


def _spec(db: Session, code: str) -> dict[str, Any]:
    version = catalog.get_entry(db, code=code).current_version
    assert version is not None
    return dict(version.definition)


def _staff(db: Session, department: str, stage: Stage) -> User:
    role = ROLES[stage]
    found = [u for u in accounts.list_staff(db) if u.department_code == department]
    return next(u for u in found if u.has_role(role))


def _submitted(db: Session, runtime: Runtime, code: str) -> Case:
    spec = _spec(db, code)
    applicant = account_of(db, APPLICANTS[catalog.subjects(spec)[0]])
    case = cases.create_case(
        db, applicant=applicant, code=code, form_data=fill_form(spec["form"]), now=NOW
    )
    attach_materials(db, case=case, user=applicant, store=runtime.store, now=NOW)
    cases.submit_case(db, case_id=case.id, user=applicant, now=NOW, store=runtime.store)
    db.commit()
    worker.run_once(runtime, now=NOW + timedelta(minutes=1))
    db.refresh(case)
    return case


def _open_task(case: Case) -> Any:
    return next((t for t in case.tasks if t.state == TaskState.open), None)


def _handle_by_staff(db: Session, runtime: Runtime, case: Case) -> None:
    """Staff take each open task in turn: accept, approve in review, approve, issue, deliver."""
    now, store = NOW + timedelta(hours=1), runtime.store
    for _ in range(20):
        db.refresh(case)
        task = _open_task(case)
        if task is None:
            return
        user = _staff(db, task.department_code, task.stage)
        payments.settle_now(db, case=case, now=now)  # the applicant pays any fee due
        if task.stage == Stage.accept:
            cases.accept_case(db, case_id=case.id, user=user, opinion="受理", now=now, store=store)
        elif task.stage == Stage.review:
            outcome = TaskOutcome.approved
            pass_required_inspection(db, task, user, now)  # 食品生产许可: 现场踏勘 first
            answer_verifications(db, task.id, now)  # certificates verified by their issuer
            cases.review_task(
                db,
                task_id=task.id,
                user=user,
                outcome=outcome,
                opinion="同意",
                now=now,
                store=store,
            )
        elif task.stage == Stage.decide:
            for notice in notices.of_case(db, case_id=case.id):  # 低保's 公示 runs its days
                notices.end_notice(db, notice=notice, now=notice.ends_at)
            cases.approve_case(db, task_id=task.id, user=user, opinion="准予", now=now, store=store)
        elif task.stage == Stage.issue:
            cases.issue_result(db, task_id=task.id, user=user, opinion=None, now=now, store=store)
        else:
            cases.deliver_result(
                db,
                task_id=task.id,
                user=user,
                opinion=None,
                now=now,
                tracking_number="SF1234567890",
                pickup_code=payments.pickup_code_of(db, case=case),  # shown by the applicant
            )
        db.commit()


def _decided_by(db: Session, case: Case) -> set[bool]:
    """For each finished task that decided (review, decide): whether staff did it."""
    deciding = [t for t in case.tasks if t.stage in (Stage.review, Stage.decide)]
    return {bool(t.actor_id and db.get_one(User, t.actor_id).is_staff) for t in deciding}


def _ordinary(db: Session, runtime: Runtime, code: str, signed_in: SignedIn) -> Case:
    case = _submitted(db, runtime, code)
    assert case.state == CaseState.submitted, "an ordinary case waits for a clerk"
    task = _open_task(case)
    assert task is not None and task.stage == Stage.accept
    _handle_by_staff(db, runtime, case)
    assert case.state == CaseState.completed
    assert _decided_by(db, case) == {True}, "a person decides an ordinary case"
    return case


def _commitment(db: Session, runtime: Runtime, code: str, signed_in: SignedIn) -> None:
    case = _ordinary(db, runtime, code, signed_in)
    applicant = db.get_one(User, case.applicant_id)
    page = signed_in(applicant.username).get(f"/cases/{case.number}")
    assert "事后核查" in page.text, "an approved commitment case has a post-approval check"


def _instant(db: Session, runtime: Runtime, code: str, signed_in: SignedIn) -> None:
    """The rules decide at submission; with the demo's test data (no shared records) they
    may hand the case to a person, with their reason — never leave it to a clerk unasked
    (tests/instant drives approvals and refusals on matching records)."""
    case = _submitted(db, runtime, code)
    query = select(InstantDecision).where(InstantDecision.case_id == case.id)
    decisions = db.scalars(query).all()
    assert decisions, "the decision table ran when the instant case was received"
    if decisions[-1].outcome in ("approve", "refuse"):
        assert case.decided_at is not None, "an instant case is decided at submission"
        assert _decided_by(db, case) <= {False}, "nobody decides an instant case by hand"
    else:
        assert decisions[-1].reason, "a case the rules hand to a person says why"
        assert case.decided_at is None


def _satisfying(policy: benefits.Policy, spec: dict[str, Any], user: User) -> dict[str, Any]:
    """Records (by source) that meet every condition of ``policy`` for ``user``, with what
    the item's form pulls."""
    key = benefits.subject_key(user)
    last = benefits.Period.of(local(NOW).date()).last_day
    records: dict[str, dict[str, Any]] = {policy.base_source: {}}
    for prop in spec["form"]["properties"].values():
        source, _, name = str(prop.get("x-source", ".")).partition(".")
        if not source:
            continue
        by_name = {
            "name": user.enterprise_name or user.display_name,
            "id_number": key,
            "credit_code": key,
        }
        value = by_name.get(name, (prop.get("enum") or ["示例"])[0])
        records.setdefault(source, {})[name] = value
    for condition in policy.conditions:
        source, _, name = condition["field"].partition(".")
        op, value = condition["op"], condition["value"]
        if op == "age_at_least":
            value = (last - timedelta(days=366 * (value + 1))).isoformat()
        elif op == "within_months":
            value = (last - timedelta(days=10)).isoformat()
        elif op == "one_of":
            value = value[0]
        records.setdefault(source, {})[name] = value
    return records


def _proactive(db: Session, runtime: Runtime, code: str, signed_in: SignedIn) -> None:
    spec = _spec(db, code)
    policy = benefits.get_policy(db, code=code)
    user = account_of(db, PROACTIVE_APPLICANTS[policy.subject])
    user.identity_verified_at = NOW  # 实名认证: only a verified account is the subject
    with pytest.raises(Conflict):
        cases.create_case(db, applicant=user, code=code, form_data={}, now=NOW)
    key = benefits.subject_key(user)
    assert key and SUBJECT_SOURCES[policy.subject] == policy.base_source
    for source, data in _satisfying(policy, spec, user).items():
        db.execute(delete(SourceRecord).where(SourceRecord.source == source))
        db.add(SourceRecord(source=source, key=key, data=data, updated_at=NOW))
    period = benefits.Period.of(local(NOW).date())
    benefits.run_policy(db, code=code, period=period, actor=SYSTEM, now=NOW, store=runtime.store)
    offer = next(o for o in benefits.offers_for(db, user=user) if o.item_code == code)
    if policy.grant == "accept":
        assert offer.case_id is None, "a one-click policy waits for the click"
        benefits.accept_offer(db, offer_id=offer.id, user=user, now=NOW, store=runtime.store)
    case = db.get_one(Case, offer.case_id)
    assert case.state == CaseState.completed
    assert _decided_by(db, case) <= {False}, "no staff member decides a proactive grant"


PATHS = {
    "ordinary": _ordinary,
    "commitment": _commitment,
    "instant": _instant,
    "proactive": _proactive,
}


@pytest.mark.parametrize(("code", "mode"), _params())
def test_the_mode_label_is_the_path_cases_take(
    code: str, mode: str, db: Session, runtime: Runtime, signed_in: SignedIn
) -> None:
    assert _spec(db, code)["approval_mode"] == mode  # the label the guide shows
    PATHS[mode](db, runtime, code, signed_in)


def test_every_mode_of_the_catalog_has_a_path() -> None:
    assert {mode for _, mode in _labels()} <= set(PATHS)
