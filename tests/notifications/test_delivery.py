"""Messages reach people: a real SMTP server receives the Chinese e-mail, the SMS provider
gets its text, a failing channel is retried with backoff and then shown to operators, a
department's message reaches its staff, and the reader's language is honoured.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from structlog.testing import capture_logs

from tests.conftest import START
from tests.factories import submitted
from tests.notifications.conftest import Deliver, Inbox, mail_settings
from tests.ratings.conftest import user
from tongban.outbox.models import OutboxMessage

ITEM = "3501-RS-003"  # 失业登记 (人社局)


class BrokenSms:
    """An SMS gateway that is down."""

    def __init__(self, settings: Any) -> None:
        del settings

    def send(self, *, phone: str, text: str) -> None:
        raise ConnectionError("短信网关无响应")


def _submit(client: TestClient, as_user: Any, db: Session, email: str | None = None) -> str:
    applicant = user(db, "zhangsan")
    applicant.email = email
    user(db, "rs").email = None  # the clerk drawn to accept it is told too: not by mail here
    db.flush()
    return str(submitted(client, as_user("zhangsan"), ITEM)["number"])


def test_the_applicant_gets_the_chinese_email_from_a_real_smtp_server(
    client: TestClient,
    as_user: Any,
    db: Session,
    smtp: tuple[Inbox, int],
    deliver: Deliver,
    tmp_path: Path,
) -> None:
    inbox, port = smtp
    number = _submit(client, as_user, db, email="zhangsan@example.cn")
    sent = deliver(START + timedelta(minutes=1), mail_settings(port, tmp_path))
    assert any(s.startswith("email:") for s in sent)
    [message] = inbox.messages
    assert inbox.rcpt == [["zhangsan@example.cn"]]
    assert message["Subject"] == f"您的申请已收到：{number}"
    body = message.get_content()
    assert "张三，您好" in body and "失业登记" in body
    assert f"https://tongban.example.cn/cases/{number}" in body
    raw = inbox.raw[0]
    raw.decode("ascii")  # every header and the body are encoded: 7-bit on the wire
    assert b"Subject: =?utf-8?" in raw
    assert message.get_content_charset() == "utf-8"
    # a second round sends nothing again
    assert deliver(START + timedelta(minutes=2), mail_settings(port, tmp_path)) == []
    assert len(inbox.raw) == 1


def test_the_message_language_chosen_is_the_language_of_the_email(
    client: TestClient,
    as_user: Any,
    db: Session,
    smtp: tuple[Inbox, int],
    deliver: Deliver,
    tmp_path: Path,
) -> None:
    inbox, port = smtp
    response = client.put(
        "/api/v1/me/message-language", json={"locale": "en"}, headers=as_user("zhangsan")
    )
    assert response.status_code == 200, response.text
    number = _submit(client, as_user, db, email="zhangsan@example.cn")
    deliver(START + timedelta(minutes=1), mail_settings(port, tmp_path))
    [message] = inbox.messages
    assert message["Subject"] == f"Application received: {number}"
    assert "Dear 张三" in message.get_content()


def test_an_sms_goes_to_the_phone_of_the_account_through_the_file_provider(
    client: TestClient, as_user: Any, db: Session, deliver: Deliver, tmp_path: Path
) -> None:
    number = _submit(client, as_user, db)
    settings = mail_settings(1, tmp_path, smtp_host=None)
    with capture_logs() as logged:
        sent = deliver(START + timedelta(minutes=1), settings)
    assert [s.split(":")[0] for s in sent] == ["sms"]
    # operators see what went out, not only what failed (issue 12)
    assert [(e["event"], e["channel"], e["topic"]) for e in logged] == [
        ("notification.sent", "sms", "case_received")
    ]
    [line] = (tmp_path / "sms.jsonl").read_text("utf-8").splitlines()
    assert json.loads(line) == {
        "phone": "13800000001",
        "text": f"【通办】您的申请「失业登记」已收到，办件编号 {number}。",
    }


def test_a_failing_channel_is_retried_with_backoff_then_listed_for_operators(
    client: TestClient, as_user: Any, db: Session, deliver: Deliver, tmp_path: Path
) -> None:
    _submit(client, as_user, db)
    settings = mail_settings(
        1,
        tmp_path,
        smtp_host=None,
        sms_provider="tests.notifications.test_delivery:BrokenSms",
        notify_max_attempts=3,
        notify_backoff_minutes="5,30",
    )
    now = START + timedelta(minutes=1)
    assert deliver(now, settings) == []
    [sms] = db.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms"))
    assert (sms.status, sms.attempts, sms.next_attempt_at) == (
        "pending",
        1,
        now + timedelta(minutes=5),
    )
    assert "短信网关无响应" in (sms.last_error or "")
    deliver(now + timedelta(minutes=4), settings)  # not due yet: not tried
    assert sms.attempts == 1
    deliver(now + timedelta(minutes=5), settings)
    assert (sms.attempts, sms.next_attempt_at) == (2, now + timedelta(minutes=35))
    deliver(now + timedelta(minutes=35), settings)
    assert (sms.status, sms.attempts, sms.next_attempt_at) == ("failed", 3, None)
    # operators see it, in the API and on the page, and can send it again
    listed = client.get("/api/v1/messages/failed", headers=as_user("admin"))
    assert listed.status_code == 200, listed.text
    assert [(m["id"], m["channel"], m["address"]) for m in listed.json()] == [
        (sms.id, "sms", "138****0001")  # operators need not the whole number
    ]
    assert client.get("/api/v1/messages/failed", headers=as_user("zhangsan")).status_code == 403
    page = client.get("/ops/messages", headers=as_user("admin")).text
    assert "短信网关无响应" in page and "138****0001" in page and "13800000001" not in page
    # once the gateway works again, the operator's retry sends it
    settings = mail_settings(1, tmp_path, smtp_host=None)
    from tongban.notifications import service

    service.retry(db, message_id=sms.id, now=now + timedelta(hours=1))
    assert deliver(now + timedelta(hours=1), settings) == [f"sms:{sms.id}"]
    assert sms.status == "sent"
