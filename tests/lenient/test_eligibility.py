"""Who may use the lenient modes: a high-risk item (catalog flag) and a case flagged by a
registered risk check are refused with the reason, like a bad credit record; without any
of them the case may."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.catalog.conftest import CatalogCopy
from tests.factories import API, act, open_task, submitted
from tests.lenient.support import FOOD
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.lenient import eligibility
from tongban.lenient import service as lenient


@pytest.fixture
def flagged() -> Iterator[set[str]]:
    """Case numbers a registered case-level risk check flags (as risk screening would)."""
    numbers: set[str] = set()

    def check(session: Session, case: Case) -> list[tuple[str, str]]:
        return (
            [("同一手机号关联多家企业", "one phone, many firms")] if case.number in numbers else []
        )

    lenient.register_case_risk(check)
    yield numbers
    eligibility.CASE_RISKS.remove(check)


def _accept(client: TestClient, as_user: Any, number: str) -> None:
    task = open_task(client, as_user("scjg"), number, "accept")
    assert act(client, as_user("scjg"), task, "accept").status_code == 200


def test_a_high_risk_item_takes_the_ordinary_review(
    client: TestClient, as_user: Any, db: Session, catalog_copy: CatalogCopy
) -> None:
    catalog_copy.replace(
        f"items/{FOOD}.yaml",
        "approval_mode: commitment\n",
        "approval_mode: commitment\nhigh_risk: true\n",
    )
    report = catalog.load_catalog(db, root=catalog_copy.root)
    assert report.read is not None and not report.read.errors, report.read.errors
    db.commit()
    number = submitted(client, as_user("minfeng"), FOOD)["number"]
    _accept(client, as_user, number)
    case = client.get(f"{API}/cases/{number}", headers=as_user("minfeng")).json()
    assert case["state"] == "in_review"
    standing = client.get(f"{API}/cases/{number}/lenient", headers=as_user("minfeng")).json()
    assert standing["commitment"] == "refused" and "高风险事项" in standing["refusal"]


def test_a_case_flagged_by_risk_screening_takes_the_ordinary_review(
    client: TestClient, as_user: Any, flagged: set[str]
) -> None:
    number = submitted(client, as_user("minfeng"), FOOD)["number"]
    flagged.add(number)
    _accept(client, as_user, number)
    standing = client.get(f"{API}/cases/{number}/lenient", headers=as_user("scjg")).json()
    assert standing["eligible"] is False and "同一手机号关联多家企业" in standing["refusal"]
    assert client.get(f"{API}/cases/{number}", headers=as_user("scjg")).json()["state"] == (
        "in_review"
    )


def test_without_a_record_or_flag_the_case_may(client: TestClient, as_user: Any) -> None:
    number = submitted(client, as_user("minfeng"), FOOD)["number"]
    standing = client.get(f"{API}/cases/{number}/lenient", headers=as_user("minfeng")).json()
    assert standing["eligible"] is True and standing["refusal"] is None
