"""``tongban experts``: the register kept from the command line, audited as the operator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog
from sqlalchemy import select
from typer.testing import CliRunner

from tests.experts.conftest import Unit
from tongban.audit.models import AuditEntry
from tongban.cli import app, base
from tongban.web.runtime import Runtime

runner = CliRunner()


@pytest.fixture(autouse=True)
def on_test_database(monkeypatch: pytest.MonkeyPatch, runtime: Runtime) -> Iterator[None]:
    """The commands work on the test's database; structlog is put back afterwards."""
    monkeypatch.setattr(base, "runtime", lambda: runtime)
    yield
    structlog.reset_defaults()


def test_an_operator_adds_lists_and_takes_an_expert_off_the_draw(unit: Unit) -> None:
    added = ["experts", "add", "zhuanjia2", "--field", "environment", "--employer", "福州大学"]
    result = runner.invoke(app, [*added, "--phone", "13900000012"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["experts", "list", "--field", "environment"])
    number = listed.output.split("\t")[0]
    assert "zhuanjia2\t何静怡\tenvironment\t福州大学\t参与抽取" in listed.output
    off = ["experts", "update", number, "--field", "environment", "--employer", "福州大学"]
    assert runner.invoke(app, [*off, "--inactive"]).exit_code == 0
    assert runner.invoke(app, ["experts", "list", "--field", "environment"]).output == ""
    refused = runner.invoke(app, ["experts", "add", "wjw", "--field", "health", "--employer", "x"])
    assert refused.exit_code == 2 and "不是评审专家账号" in refused.output
    with unit() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.object_type == "expert"))
        assert [(e.action, e.actor_name) for e in entries] == [
            ("expert.registered", "运维命令"),
            ("expert.updated", "运维命令"),
        ]
