"""``tongban notify failed`` lists what could not be sent (exit 1 while any is left);
``retry`` puts one back in the queue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import structlog
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tongban.audit.models import AuditEntry
from tongban.cli import app
from tongban.config import get_settings
from tongban.db import make_engine
from tongban.outbox.models import OutboxMessage

runner = CliRunner()


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path}/ops.sqlite3"
    monkeypatch.setenv("TONGBAN_DATABASE_URL", url)
    monkeypatch.setenv("TONGBAN_FILE_STORE_PATH", str(tmp_path / "files"))
    get_settings.cache_clear()
    try:
        assert runner.invoke(app, ["migrate"]).exit_code == 0
        yield url
    finally:
        get_settings.cache_clear()
        structlog.reset_defaults()


def test_failed_messages_are_listed_and_sent_again_on_request(database: str) -> None:
    engine = make_engine(database)
    at = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)
    with Session(engine) as session:
        entry = AuditEntry(
            at=at,
            action="case.accept",
            actor_name="系统",
            object_type="case",
            object_id="1",
            data={},
        )
        session.add(entry)
        session.flush()
        message = OutboxMessage(
            created_at=at,
            audit_entry_id=entry.id,
            channel="sms",
            topic="case_accepted",
            payload={},
            status="failed",
            attempts=6,
            address="13800000001",
            last_error="ConnectionError: 短信网关无响应",
        )
        session.add(message)
        session.commit()
        message_id = message.id
    engine.dispose()
    listed = runner.invoke(app, ["notify", "failed"])
    assert listed.exit_code == 1
    assert f"{message_id}\tsms\t13800000001\t6\tcase_accepted" in listed.output
    assert "短信网关无响应" in listed.output
    assert runner.invoke(app, ["notify", "retry", str(message_id)]).exit_code == 0
    assert runner.invoke(app, ["notify", "failed"]).exit_code == 0
    again = runner.invoke(app, ["notify", "retry", str(message_id)])
    assert again.exit_code == 2 and "只有发送失败的消息可以重发" in again.output
