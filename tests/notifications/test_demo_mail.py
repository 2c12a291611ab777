"""The demo's mail is visible: every demo account has an e-mail address, so an
applicant's and a department's messages reach a local SMTP server in the demo."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import ROOT, START
from tests.factories import API, open_task, submitted
from tests.notifications.conftest import Deliver, Inbox, mail_settings
from tests.ratings.conftest import user
from tongban.demo.plans import APPLICANTS

RADIATION = "3501-WJW-002"  # 放射工作人员证核发: 卫健委 alone


def test_every_demo_account_has_an_email_address(db: Session) -> None:
    entries = yaml.safe_load((ROOT / "demo" / "users.yaml").read_text(encoding="utf-8"))
    for entry in [*entries, *APPLICANTS]:
        assert entry["email"] == f"{entry['username']}@tongban.example"
    assert user(db, "ga").email == "ga@tongban.example"  # staff keep theirs too


def test_demo_applicant_and_department_mail_arrives(
    client: TestClient,
    as_user: Any,
    db: Session,
    smtp: tuple[Inbox, int],
    deliver: Deliver,
    tmp_path: Path,
) -> None:
    inbox, port = smtp
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    accept = open_task(client, as_user("wjw"), number, "accept")
    body = {"to_department": "GA", "question": "请核实申请人是否有违法犯罪记录。"}
    client.post(f"{API}/tasks/{accept['id']}/verifications", json=body, headers=as_user("wjw"))
    deliver(START + timedelta(minutes=1), mail_settings(port, tmp_path))
    received = {(m["To"], m["Subject"]) for m in inbox.messages}
    assert ("zhangsan@tongban.example", f"您的申请已收到：{number}") in received
    assert ("ga@tongban.example", f"协查请求：{number}") in received
    assert ("ga-hz@tongban.example", f"协查请求：{number}") in received
