"""Items of a bundle that wait for one another (``requires``): in 企业注销一件事 the
registry's 注销登记 waits for the tax office's 清税 (《市场主体登记管理条例》第三十二条),
while 社保注销 runs in parallel with 清税; a refused 清税 ends 注销登记 refused; the
loader refuses an order that names a stranger or goes round in a circle."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, answer_verifications, open_task, submitted
from tests.web.support import sign_in
from tongban.cases.enums import Stage
from tongban.cases.models import Case, Task
from tongban.catalog.loader import CatalogRead, check_bundle_text, read_catalog

BUNDLE = "3501-BUNDLE-QYZX"
TAX, REGISTRY = "3501-SW-002", "3501-SCJG-004"
ROOT = Path(__file__).resolve().parents[2] / "catalog"


def _accepted(client: TestClient, as_user: Any) -> str:
    number = submitted(client, as_user("minfeng"), BUNDLE)["number"]
    task = open_task(client, as_user("clerk"), number, "accept")
    assert act(client, as_user("clerk"), task, "accept", opinion="受理").status_code == 200
    return number


def _mine(client: TestClient, headers: dict[str, str], number: str) -> list[dict[str, Any]]:
    tasks = client.get(f"{API}/tasks", headers=headers).json()
    return [t for t in tasks if t["case_number"] == number and t["stage"] == "review"]


def _reviews(db: Session, number: str) -> dict[str, Task]:
    db.expire_all()  # the API committed in other sessions; read afresh
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None
    return {t.item_code or "": t for t in case.tasks if t.stage == Stage.review}


def _review(client: TestClient, headers: dict[str, str], number: str, outcome: str) -> None:
    (task,) = _mine(client, headers, number)
    answer_verifications(client, task)  # its 协查 answered first
    body = {
        "outcome": outcome,
        "opinion": "审查通过" if outcome == "approved" else "尚欠税款未缴清",
    }
    assert act(client, headers, task, "review", **body).status_code == 200


def test_the_tax_clearance_runs_first_and_the_deregistration_after_it(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    number = _accepted(client, as_user)
    # 清税 and 社保注销 open at once; 注销登记 waits.
    assert set(_reviews(db, number)) == {TAX, "3501-RS-005"}
    assert _mine(client, as_user("scjg"), number) == []
    sign_in(client, "clerk")
    page = client.get(f"/cases/{number}").text
    assert "企业注销登记：等待 税务注销" in page and "完成" in page
    client.cookies.clear()

    clock.advance(hours=1)
    _review(client, as_user("rs"), number, "approved")
    assert _mine(client, as_user("scjg"), number) == []  # 社保 is no prerequisite
    clock.advance(hours=1)
    _review(client, as_user("sw"), number, "approved")
    registry = _reviews(db, number)[REGISTRY]
    assert registry.started_at > _reviews(db, number)[TAX].started_at
    state = client.get(f"{API}/cases/{number}", headers=as_user("minfeng")).json()["state"]
    assert state == "in_review"  # the round waits for 注销登记 now

    clock.advance(hours=1)
    _review(client, as_user("scjg"), number, "approved")
    state = client.get(f"{API}/cases/{number}", headers=as_user("minfeng")).json()["state"]
    assert state == "in_decision"


def test_a_refused_tax_clearance_ends_the_deregistration_refused_with_its_reason(
    client: TestClient, as_user: Any, clock: Clock, db: Session
) -> None:
    number = _accepted(client, as_user)
    clock.advance(hours=1)
    _review(client, as_user("sw"), number, "refused")
    registry = _reviews(db, number)[REGISTRY]
    assert registry.outcome == "refused"
    assert registry.opinion is not None
    assert TAX in registry.opinion and "尚欠税款未缴清" in registry.opinion
    assert _mine(client, as_user("scjg"), number) == []


@cache
def _read() -> CatalogRead:
    return read_catalog(ROOT)


def _check(text: str) -> list[str]:
    read = _read()
    departments = {d["code"] for d in read.departments}
    _, found = check_bundle_text(text, BUNDLE, departments, read.items)
    return [p.message for p in found]


def test_the_loader_refuses_a_cycle_and_items_outside_the_bundle() -> None:
    text = (ROOT / "bundles" / f"{BUNDLE}.yaml").read_text(encoding="utf-8")
    assert _check(text) == []
    line = f"  {REGISTRY}: [{TAX}]\n"
    assert line in text
    circle = text.replace(line, f"{line}  {TAX}: [3501-RS-005]\n  3501-RS-005: [{REGISTRY}]\n")
    (message,) = _check(circle)
    assert "成环" in message and f"{REGISTRY} → {TAX} → 3501-RS-005 → {REGISTRY}" in message
    stranger = text.replace(line, f"  {REGISTRY}: [3501-GA-001]\n")
    assert _check(stranger) == ["前置事项 3501-GA-001 不在本一件事中"]
