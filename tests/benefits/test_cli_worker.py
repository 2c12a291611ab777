"""``tongban benefits run`` (help, progress, exit codes) and the worker's monthly run."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.benefits.conftest import NOW
from tongban import worker
from tongban.benefits.models import BenefitOffer, BenefitRun
from tongban.cli import app, base
from tongban.web.runtime import Runtime

runner = CliRunner()
pytestmark = pytest.mark.usefixtures("profiles")


@pytest.fixture
def on_test_database(monkeypatch: pytest.MonkeyPatch, runtime: Runtime) -> Runtime:
    monkeypatch.setattr(base, "runtime", lambda: runtime)
    return runtime


def test_help_explains_the_run() -> None:
    result = runner.invoke(app, ["benefits", "run", "--help"])
    assert result.exit_code == 0
    assert "--period" in result.output and "Idempotent" in result.output


def test_a_run_reports_its_counts_and_a_rerun_tells_nobody_again(
    on_test_database: Runtime, db: Session
) -> None:
    first = runner.invoke(app, ["benefits", "run", "3501-MZ-002", "--period", "2026-11"])
    assert first.exit_code == 0, first.output
    assert "符合条件 3" in first.output and "通知 1" in first.output
    again = runner.invoke(app, ["benefits", "run", "3501-MZ-002", "--period", "2026-11"])
    assert again.exit_code == 0, again.output
    assert "新发现 0" in again.output and "通知 0" in again.output
    assert db.scalar(select(func.count()).select_from(BenefitOffer)) == 3


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["3501-MZ-002", "--period", "2026/11"], "2026-11"),
        (["3501-RS-003", "--period", "2026-11"], "不是免申即享事项"),
    ],
)
def test_a_wrong_policy_or_period_exits_with_code_2(
    on_test_database: Runtime, args: list[str], says: str
) -> None:
    result = runner.invoke(app, ["benefits", "run", *args])
    assert result.exit_code == 2
    assert says in result.output


def test_the_worker_runs_each_policy_once_a_month(runtime: Runtime, db: Session) -> None:
    done = worker.run_once(runtime, now=NOW)
    assert sorted(done["benefits_run"]) == ["3501-MZ-002 2026-11", "3501-RS-006 2026-11"]
    assert worker.run_once(runtime, now=NOW)["benefits_run"] == []
    assert db.scalar(select(func.count()).select_from(BenefitRun)) == 2
