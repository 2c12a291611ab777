"""Graceful degradation when the SMTP server is down: the applicant's case goes on, the
e-mail waits and is retried with backoff (connection refused on a closed loopback port),
the operators' page shows it waiting, and it is sent once the server is back."""

from __future__ import annotations

import socket
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests import figures
from tests.conftest import START
from tests.notifications.conftest import Deliver, Inbox, mail_settings
from tests.notifications.test_delivery import _submit
from tongban.outbox.models import OutboxMessage


def _closed_port() -> int:
    with socket.socket() as probe:  # bound, then closed: nothing listens there
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_mail_waits_while_smtp_is_down_and_goes_out_when_it_is_back(
    client: TestClient,
    as_user: Any,
    db: Session,
    deliver: Deliver,
    smtp: tuple[Inbox, int],
    tmp_path: Path,
) -> None:
    number = _submit(client, as_user, db, email="zhangsan@example.cn")
    down = mail_settings(
        _closed_port(), tmp_path, notify_max_attempts=4, notify_backoff_minutes="5,30"
    )
    now = START + timedelta(minutes=1)
    sent = deliver(now, down)
    [mail] = db.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email"))
    tries = 1
    deliver(now + timedelta(minutes=5), down)
    tries += 1
    figures.count(
        "smtp down",
        deliveries_tried=tries,
        mails_lost=int(mail.status not in ("pending", "sent")),
    )
    assert not any(s.startswith("email:") for s in sent)
    assert (mail.status, mail.attempts) == ("pending", 2)
    assert mail.next_attempt_at == now + timedelta(minutes=35)
    assert mail.last_error
    # the case itself went on: submitted, readable by its applicant
    case = client.get(f"/api/v1/cases/{number}", headers=as_user("zhangsan"))
    assert case.status_code == 200 and case.json()["state"] != "draft"
    # operators see mail waiting on their page
    page = client.get("/ops/messages", headers=as_user("admin")).text
    assert "email" in page and "pending" in page
    # the server is back: the next round sends it, once
    inbox, port = smtp
    back = mail_settings(port, tmp_path, notify_max_attempts=4, notify_backoff_minutes="5,30")
    assert f"email:{mail.id}" in deliver(now + timedelta(minutes=35), back)
    assert mail.status == "sent" and inbox.rcpt == [["zhangsan@example.cn"]]
