"""The daily reconciliation (对账): platform against the provider's statement."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tests.conftest import Clock
from tests.factories import API
from tests.payments.helpers import orders, pay, pay_in_sandbox, submit_id_card
from tongban import timefmt
from tongban.cli import app, base
from tongban.payments.models import SandboxEntry
from tongban.web.runtime import Runtime
from tongban.worker import run_sweeps


def test_reconciliation_finds_a_mismatch_and_a_missing_payment(
    client: TestClient, as_user: Any, runtime: Runtime, clock: Clock, db: Session
) -> None:
    applicant, finance = as_user("zhangsan"), as_user("caiwu")
    matched, mismatched, lost = (submit_id_card(client, applicant) for _ in range(3))
    pay(client, runtime, applicant, matched, clock.now)
    pay(client, runtime, applicant, mismatched, clock.now)
    # the provider's statement says something else was taken for the second one
    order = orders(client, applicant, mismatched)[0]["number"]
    entry = db.scalar(select(SandboxEntry).where(SandboxEntry.out_trade_no == order))
    assert entry is not None
    entry.amount_fen = 1990
    db.commit()
    # the third was paid, but its notification has not arrived
    pay_in_sandbox(runtime, orders(client, applicant, lost)[0]["number"], clock.now)

    day = timefmt.local(clock.now).date().isoformat()
    made = client.post(f"{API}/payments/reconciliations/{day}", headers=finance)
    assert made.status_code == 201, made.text
    counts = made.json()["counts"]
    assert counts == {
        "matched": 1,
        "missing_on_platform": 1,
        "missing_at_provider": 0,
        "amount_mismatch": 1,
    }
    lines = {line["order"]: line for line in made.json()["lines"]}
    assert lines[order]["platform_amount"] == "20.00" and lines[order]["provider_amount"] == "19.90"
    csv = client.get(
        f"{API}/payments/reconciliations/{day}", params={"format": "csv"}, headers=finance
    )
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert f"amount_mismatch,payment,{order}" in csv.text
    assert (
        client.post(f"{API}/payments/reconciliations/{day}", headers=applicant).status_code == 403
    )

    page = client.get("/finance", params={"day": day}, headers=finance)
    assert page.status_code == 200 and "金额不符 1" in page.text


def test_the_worker_reconciles_yesterday_once(runtime: Runtime, clock: Clock) -> None:
    first = run_sweeps(runtime, now=clock.now + timedelta(days=1))
    assert first["reconciled"] == [timefmt.local(clock.now).date().isoformat()]
    assert run_sweeps(runtime, now=clock.now + timedelta(days=1, hours=1))["reconciled"] == []


def test_the_cli_reconciles_a_day_and_says_when_something_is_off(
    client: TestClient,
    as_user: Any,
    runtime: Runtime,
    clock: Clock,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(base, "runtime", lambda: runtime)
    applicant = as_user("zhangsan")
    number = submit_id_card(client, applicant)
    pay_in_sandbox(runtime, orders(client, applicant, number)[0]["number"], clock.now)
    day = timefmt.local(clock.now).date().isoformat()
    out = tmp_path / "day.csv"
    result = CliRunner().invoke(app, ["payments", "reconcile", "--day", day, "--csv", str(out)])
    assert result.exit_code == 1, result.output  # paid at the provider, not yet on the platform
    assert "平台缺失 1" in result.output
    assert "missing_on_platform,payment" in out.read_text(encoding="utf-8")
    assert CliRunner().invoke(app, ["payments", "reconcile", "--day", "29-09"]).exit_code == 2
