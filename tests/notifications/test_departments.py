"""A department is a recipient: a verification request reaches every staff member of the
asked department in their message centre (and by e-mail), never the applicant."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import API, open_task, submitted
from tests.notifications.conftest import Deliver, Inbox, mail_settings
from tests.ratings.conftest import user

RADIATION = "3501-WJW-002"  # 放射工作人员证核发: 卫健委 alone


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
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    accept = open_task(client, as_user("wjw"), number, "accept")
    body = {"to_department": "GA", "question": "请核实申请人是否有违法犯罪记录。"}
    asked = client.post(
        f"{API}/tasks/{accept['id']}/verifications", json=body, headers=as_user("wjw")
    )
    assert asked.status_code == 201, asked.text
    deliver(START + timedelta(minutes=1), mail_settings(port, tmp_path))
    [message] = client.get(f"{API}/me/messages", headers=as_user("ga")).json()
    assert message["title"] == f"协查请求：{number}"
    assert message["link"] == f"/staff/verifications/{asked.json()['id']}"
    assert "请核实申请人是否有违法犯罪记录。" in message["body"]
    # the department's staff (the demo ones have addresses of their own), never the applicant
    asked_mail = [m for m in inbox.messages if m["Subject"] == f"协查请求：{number}"]
    assert {m["To"] for m in asked_mail} == {"ga@gongan.example.cn", "ga-hz@tongban.example"}
    applicant = client.get(f"{API}/me/messages", headers=as_user("zhangsan")).json()
    assert all(not m["topic"].startswith("verification") for m in applicant)
