"""What an operator sees from the command line: help for every command, and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from tongban.cli import app
from tongban.config import get_settings

runner = CliRunner()


def test_help_lists_every_command() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("serve", "migrate", "demo", "worker", "catalog", "calendar", "users"):
        assert command in result.output


def test_demo_help_explains_the_case_history() -> None:
    result = runner.invoke(app, ["demo", "--help"])
    assert result.exit_code == 0 and "--cases" in result.output


def test_demo_refuses_a_production_database(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TONGBAN_ENVIRONMENT", "production")
    monkeypatch.setenv("TONGBAN_SECRET_KEY", "a-real-secret-of-enough-length-0123456789")
    monkeypatch.setenv("TONGBAN_DATABASE_URL", f"sqlite:///{tmp_path}/prod.sqlite3")
    get_settings.cache_clear()
    try:
        result = runner.invoke(app, ["demo"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "生产环境不能加载演示数据" in result.output
