"""A department is a recipient: a verification request reaches the staff of the asked
department who handle its cases in their message centre (and by e-mail), never the
applicant nor the department's inspectors; each department message reaches only those who
act on it."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import API, open_task, submitted
from tests.notifications.conftest import Deliver, Inbox, mail_settings
from tests.ratings.conftest import user
from tongban.accounts.models import User
from tongban.audit import service as audit
from tongban.audit.service import SYSTEM
from tongban.config import Settings
from tongban.outbox.models import OutboxMessage

RADIATION = "3501-WJW-002"  # 放射工作人员证核发: 卫健委 alone


def _asked(client: TestClient, as_user: Any, department: str, question: str) -> tuple[str, int]:
    """zhangsan's 放射工作人员证 case, whose acceptance (卫健委) asks ``department`` to
    verify a fact: the case number and the request's id."""
    number = str(submitted(client, as_user("zhangsan"), RADIATION)["number"])
    accept = open_task(client, as_user("wjw"), number, "accept")
    body = {"to_department": department, "question": question}
    asked = client.post(
        f"{API}/tasks/{accept['id']}/verifications", json=body, headers=as_user("wjw")
    )
    assert asked.status_code == 201, asked.text
    return number, int(asked.json()["id"])


def test_a_verification_request_reaches_the_staff_of_the_asked_department(
    client: TestClient,
    as_user: Any,
    db: Session,
    smtp: tuple[Inbox, int],
    deliver: Deliver,
    tmp_path: Path,
) -> None:
    inbox, port = smtp
    user(db, "ga").email = "ga@gongan.example.cn"
    number, asked = _asked(client, as_user, "GA", "请核实申请人是否有违法犯罪记录。")
    deliver(START + timedelta(minutes=1), mail_settings(port, tmp_path))
    [message] = client.get(f"{API}/me/messages", headers=as_user("ga")).json()
    assert message["title"] == f"协查请求：{number}"
    assert message["link"] == f"/staff/verifications/{asked}"
    assert "请核实申请人是否有违法犯罪记录。" in message["body"]
    # the department's staff (the demo ones have addresses of their own), never the applicant
    asked_mail = [m for m in inbox.messages if m["Subject"] == f"协查请求：{number}"]
    assert {m["To"] for m in asked_mail} == {"ga@gongan.example.cn", "ga-hz@tongban.example"}
    applicant = client.get(f"{API}/me/messages", headers=as_user("zhangsan")).json()
    assert all(not m["topic"].startswith("verification") for m in applicant)


def _readers(db: Session, topic: str) -> set[str]:
    query = (
        select(User.username)
        .join(OutboxMessage, OutboxMessage.recipient_id == User.id)
        .where(OutboxMessage.topic == topic, OutboxMessage.channel == "inapp")
    )
    return set(db.scalars(query))


def test_a_verification_request_does_not_reach_the_asked_departments_inspectors(
    client: TestClient, as_user: Any, db: Session, deliver: Deliver, tmp_path: Path
) -> None:
    _asked(client, as_user, "SCJG", "请核实申请人名下是否有在营企业。")
    deliver(START + timedelta(minutes=1), Settings(environment="test", sms_file=tmp_path / "s"))
    assert _readers(db, "verification_requested") == {"scjg", "scjg-hz"}
    inspector = client.get(f"{API}/me/messages", headers=as_user("takan1")).json()
    assert inspector == []


@pytest.mark.parametrize(
    ("action", "topic", "readers"),
    [
        # answered by those who handle its cases
        ("complaint.route", "complaint_routed", {"scjg", "scjg-hz"}),
        ("notice.objection_filed", "objection_received", {"scjg"}),  # its reviewers examine it
    ],
)
def test_a_departments_message_reaches_only_those_who_act_on_it(
    db: Session, deliver: Deliver, tmp_path: Path, action: str, topic: str, readers: set[str]
) -> None:
    data = {"department": "SCJG"}
    audit.record(db, at=START, action=action, actor=SYSTEM, object_type="x", object_id=1, data=data)
    db.flush()
    deliver(START + timedelta(minutes=1), Settings(environment="test", sms_file=tmp_path / "s"))
    assert _readers(db, topic) == readers  # never the inspectors takan1–3
