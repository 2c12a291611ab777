"""``tongban clients create`` takes every ``--scope`` given (found in trial: only the last
was kept), each also as a space or comma separated list."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from tongban.cli import app, base
from tongban.web.runtime import Runtime


def test_repeated_and_listed_scopes_are_all_kept(
    runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(base, "runtime", lambda: runtime)
    command = [
        "clients",
        "create",
        "--name",
        "民政业务系统",
        "--department",
        "MZ",
        "--role",
        "clerk",
    ]
    for scopes in (
        ["--scope", "tasks:read", "--scope", "tasks:write"],
        ["--scope", "tasks:read,tasks:write"],
    ):
        result = CliRunner().invoke(app, command + scopes)
        assert result.exit_code == 0, result.output
        assert "scope=tasks:read tasks:write" in result.output
