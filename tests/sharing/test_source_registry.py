"""The source registry an operator can see (``tongban sharing sources``): every declared
source with its owner, key and connector, and its state: the records an own-database
source holds; for a department's REST service (``kind: http``) whether it answers now
(``--probe``) and how often it was found down lately, when a field was asked by hand."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.factories import API
from tests.sharing.conftest import MINFENG_CREDIT, Department, free_port_url, serve_over_http
from tongban.cli import app, base
from tongban.web.runtime import Runtime

runner = CliRunner()


@pytest.fixture
def on_test_database(monkeypatch: pytest.MonkeyPatch, runtime: Runtime) -> Runtime:
    """The CLI works on the test's database, in a console wide enough for its table."""
    monkeypatch.setattr(base, "runtime", lambda: runtime)
    monkeypatch.setattr(base.console, "width", 250)
    return runtime


def _sources(*options: str) -> Any:
    return runner.invoke(app, ["sharing", "sources", *options])


def _row(output: str, code: str) -> str:
    return next(line for line in output.splitlines() if f" {code} " in line)


def test_the_registry_shows_each_source_and_a_department_service_that_is_down(
    db: Session,
    population: dict[str, int],
    department: Department,
    client: TestClient,
    as_user: Any,
    on_test_database: Runtime,
) -> None:
    down = free_port_url()
    serve_over_http(db, "enterprise_register", down, timeout=0.3, retries=0)
    form = {"credit_code": MINFENG_CREDIT}
    drafted = client.post(
        f"{API}/cases",
        json={"code": "3501-SCJG-006", "form_data": form},
        headers=as_user("minfeng"),
    )
    assert drafted.status_code == 201, drafted.text  # degraded: the fields are asked instead
    listed = _sources()
    assert listed.exit_code == 0, listed.output
    people = _row(listed.output, "population")
    assert "公安人口库" in people and "GA" in people and "resident_id" in people
    assert f"{population['population']} 条记录" in people
    firms = _row(listed.output, "enterprise_register")
    assert down in firms and "未探测" in firms and firms.rstrip(" │").endswith("1")
    probed = _sources("--probe")
    assert probed.exit_code == 1, probed.output
    assert "无法连接 unreachable" in _row(probed.output, "enterprise_register")
    serve_over_http(db, "enterprise_register", department.url)
    back = _sources("--probe")
    assert back.exit_code == 0, back.output
    assert "可用 up" in _row(back.output, "enterprise_register")


def test_piped_output_keeps_every_value_whole(
    monkeypatch: pytest.MonkeyPatch, runtime: Runtime, population: dict[str, int]
) -> None:
    """trial10, fault 16: piped or from cron (80 columns, no terminal) each column was cut
    to ``…``."""
    monkeypatch.setattr(base, "runtime", lambda: runtime)
    monkeypatch.setattr(base.console, "width", 80)
    listed = _sources()
    assert listed.exit_code == 0, listed.output
    assert "…" not in listed.output
    assert "企业名称自主申报库" in _row(listed.output, "name_reservation")
