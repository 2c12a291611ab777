"""Separation of duties: 三员分立 (the system, security and audit administrators are three
accounts and handle no case), and 审核与审批分离 (who reviewed a case does not decide it,
per item, on by default); refusals are audited."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import ROOT, START, token
from tests.factories import act, new_staff, open_task, submitted
from tests.web.support import csrf, sign_in
from tongban.accounts import service
from tongban.accounts.enums import ADMIN_TRIAD, Role
from tongban.audit import service as audit
from tongban.audit.models import AuditEntry
from tongban.catalog import publishing
from tongban.errors import InvalidInput

RADIATION = "3501-WJW-002"  # WJW: accept, review, decide, issue


@pytest.mark.parametrize(
    "roles",
    [
        (Role.system_admin, Role.security_admin),
        (Role.security_admin, Role.audit_admin),
        (Role.system_admin, Role.audit_admin),
        (Role.audit_admin, Role.approver),
        (Role.system_admin, Role.reviewer),
    ],
)
def test_one_account_cannot_combine_administrators_or_an_administrator_and_case_work(
    db: Session, roles: tuple[Role, ...]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        new_staff(db, "combo", *roles, department="WJW")
    assert refused.value.field == "roles" and (
        "三员分立" in refused.value.message_zh or "管理员不能办理办件" in refused.value.message_zh
    )


def test_the_demo_accounts_follow_the_rules_the_engine_enforces() -> None:
    entries = yaml.safe_load((ROOT / "demo" / "users.yaml").read_text(encoding="utf-8"))
    admins = {role for e in entries for role in e.get("roles", []) if role in ADMIN_TRIAD}
    assert admins == set(ADMIN_TRIAD)  # each of the three administrators is shown
    for entry in entries:
        roles = set(entry.get("roles", []))
        assert len(roles & ADMIN_TRIAD) <= 1, entry["username"]
        assert not ({"reviewer", "approver"} <= roles), entry["username"]


def _away(db: Session, *usernames: str) -> None:
    """Mark demo staff absent on the test's day, so that tasks are drawn to the others
    (人员随机分配: only the holder acts), and add a window clerk (``window``) who is in."""
    for username in usernames:
        user = service.find_user(db, username=username)
        user.absent_from = user.absent_until = START.date()
    new_staff(db, "window", Role.clerk, department="WJW")


def _reviewed(client: TestClient, as_user: Any, reviewer: dict[str, str]) -> str:
    """A case of ``RADIATION`` reviewed by ``reviewer``, accepted by ``window`` (a clerk of
    the test's own: the demo's clerk ``wjw`` is away, so that the review is drawn to
    ``reviewer``, and an absent person accepts nothing)."""
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    window = token(client, "window", "a-long-passphrase-1")
    accepted = act(client, window, open_task(client, window, number, "accept"), "accept")
    assert accepted.status_code == 200
    review = open_task(client, reviewer, number, "review")
    done = act(client, reviewer, review, "review", outcome="approved", opinion="同意")
    assert done.status_code == 200, done.text
    return number


def test_who_reviewed_a_case_cannot_decide_it(
    client: TestClient, as_user: Any, db: Session
) -> None:
    both = new_staff(db, "both", Role.reviewer, Role.approver, department="WJW")
    _away(db, "wjw")  # the review is drawn to ``both``
    db.commit()
    headers = token(client, both.username, "a-long-passphrase-1")
    number = _reviewed(client, as_user, headers)
    decide = open_task(client, headers, number, "decide")
    refused = act(client, headers, decide, "approve", opinion="准予许可")
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"]["code"] == "separation_of_duties"
    assert "审核与审批分离" in refused.json()["error"]["message"]
    denial = db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "access.denied", AuditEntry.actor_id == both.id
        )
    ).one()
    assert denial.data["code"] == "separation_of_duties" and denial.source_address
    other = as_user("wjw-hz")
    assert (
        act(client, other, open_task(client, other, number, "decide"), "approve").status_code == 200
    )


def test_an_item_may_let_one_person_review_and_decide(
    client: TestClient, as_user: Any, db: Session
) -> None:
    text = publishing.entry_text(db, code=RADIATION)
    source = yaml.safe_load(text)
    source["process"]["separate_review_and_decision"] = False
    publishing.save_entry_text(
        db,
        code=RADIATION,
        text=yaml.safe_dump(source, allow_unicode=True, sort_keys=False),
        actor=audit.SYSTEM,
        now=START,
    )
    both = new_staff(db, "both2", Role.reviewer, Role.approver, department="WJW")
    _away(db, "wjw", "wjw-hz")  # the review and the decision are drawn to ``both2``
    db.commit()
    headers = token(client, both.username, "a-long-passphrase-1")
    number = _reviewed(client, as_user, headers)
    decide = open_task(client, headers, number, "decide")
    assert act(client, headers, decide, "approve", opinion="准予许可").status_code == 200


def test_the_reviewer_is_not_offered_to_take_over_the_decision_they_may_not_make(
    client: TestClient, as_user: Any, db: Session
) -> None:
    """接手 is offered by the rule the take-over checks (``refusal_to_take``): the task
    page offered the case's reviewer, also an approver, to take over the decision from
    its absent holder, and the click was then refused for the separation of duties."""
    both = new_staff(db, "both3", Role.reviewer, Role.approver, department="WJW")
    _away(db, "wjw")  # the review is drawn to ``both3``
    db.commit()
    headers = token(client, both.username, "a-long-passphrase-1")
    number = _reviewed(client, as_user, headers)
    holder = service.find_user(db, username="wjw-hz")
    holder.absent_from = holder.absent_until = START.date()
    db.commit()
    decide = open_task(client, as_user("wjw-hz"), number, "decide")
    sign_in(client, both.username, "a-long-passphrase-1")
    path = f"/staff/tasks/{decide['id']}"
    page = client.get(path).text
    assert f'action="{path}/take"' not in page
    assert "审核与审批分离" in page  # why, in place of the offer
    taken = client.post(f"{path}/take", data={"csrf_token": csrf(page)})
    assert taken.status_code == 403 and "审核与审批分离" in taken.text
