"""A real SMTP server on the loopback (aiosmtpd) that keeps what it receives, and a
way to deliver the outbox once."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import Session

from tests.ratings.conftest import finish  # noqa: F401  (the fixture, shared)
from tongban.config import Settings
from tongban.notifications import service


class Inbox:
    """What the SMTP server received: raw bytes and parsed messages."""

    def __init__(self) -> None:
        self.raw: list[bytes] = []
        self.rcpt: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append(envelope.original_content or envelope.content)
        self.rcpt.append(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        return [message_from_bytes(raw, policy=policy.default) for raw in self.raw]  # type: ignore[misc]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def mail_settings(port: int, tmp: Any, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "environment": "test",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "sms_file": tmp / "sms.jsonl",
        "public_url": "https://tongban.example.cn",
    }
    return Settings(**{**values, **extra})


Deliver = Callable[..., list[str]]


@pytest.fixture
def deliver(db: Session) -> Deliver:
    def run(now: datetime, settings: Settings) -> list[str]:
        sent = service.run_due_notifications(db, now=now, settings=settings).sent
        db.flush()
        return sent

    return run
