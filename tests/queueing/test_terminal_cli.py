"""``tongban halls kiosk-terminal HALL NAME`` registers a terminal in the database (as the
operators' page does, audited) and prints its set-up address once."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tongban.audit.models import AuditEntry
from tongban.cli import app
from tongban.config import get_settings
from tongban.db import make_engine
from tongban.queueing.models import KioskTerminal

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path}/halls.sqlite3"
    monkeypatch.setenv("TONGBAN_DATABASE_URL", url)
    monkeypatch.setenv("TONGBAN_FILE_STORE_PATH", str(tmp_path / "files"))
    get_settings.cache_clear()
    try:
        assert runner.invoke(app, ["migrate"]).exit_code == 0
        loaded = runner.invoke(app, ["catalog", "load", "--path", str(ROOT / "catalog")])
        assert loaded.exit_code == 0, loaded.output
        yield url
    finally:
        get_settings.cache_clear()
        structlog.reset_defaults()


def test_the_command_registers_a_terminal_and_shows_its_address_once(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TONGBAN_PORT", "8123")  # served on another port: the address follows
    get_settings.cache_clear()
    done = runner.invoke(app, ["halls", "kiosk-terminal", "GL-ZWFW", "一楼东侧"])
    assert done.exit_code == 0, done.output
    token = re.search(r"http://127\.0\.0\.1:8123/kiosk/GL-ZWFW\?terminal=([\w-]+)", done.output)
    assert token is not None, done.output
    again = runner.invoke(app, ["halls", "kiosk-terminal", "GL-ZWFW", "一楼东侧"])
    assert again.exit_code == 2 and "已有在用的终端" in again.output
    engine = make_engine(database)
    try:
        with Session(engine) as session:
            terminal = session.scalars(select(KioskTerminal)).one()
            assert terminal.label == "GL-ZWFW:一楼东侧" and token.group(1) not in str(
                terminal.token_digest
            )
            actors = session.scalars(
                select(AuditEntry.actor_name).where(
                    AuditEntry.action == "queue.kiosk_terminal_registered"
                )
            ).all()
            assert actors == ["运维命令"]
    finally:
        engine.dispose()
