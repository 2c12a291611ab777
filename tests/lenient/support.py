"""Cases of the lenient modes driven through the public API."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import API, entry, sign, upload
from tongban.demo.samples import SAMPLES, fill_form
from tongban.sharing.models import SourceRecord
from tongban.timeutil import utcnow

FOOD = "3501-SCJG-002"  # 食品经营许可证(告知承诺): review none, post-check 60 days, 容缺 limit 1
MINFENG_CREDIT = "91350102MA2XQ1K7XN"


def submitted_without(
    client: TestClient, headers: dict[str, str], code: str, *, skip: set[str]
) -> str:
    """Submit a case of ``code`` with every required material except those in ``skip``."""
    spec = entry(client, code)
    response = client.post(
        f"{API}/cases", json={"code": code, "form_data": fill_form(spec["form"])}, headers=headers
    )
    assert response.status_code == 201, response.text
    number = str(response.json()["number"])
    for material in spec["materials"]:
        ways = material.get("ways") or ["upload"]
        if not material["required"] or material["code"] in skip:
            continue
        if "signed" in ways:
            sign(client, headers, number, material["code"])
        elif "upload" in ways:
            kind = (material.get("formats") or ["pdf"])[0]
            done = upload(client, headers, number, material["code"], SAMPLES[kind], kind)
            assert done.status_code == 201, done.text
    response = client.post(f"{API}/cases/{number}/submit", headers=headers)
    assert response.status_code == 200, response.text
    return number


def credit_record(db: Session, key: str, **data: Any) -> None:
    """The public credit register's record of ``key`` (shared source ``credit``)."""
    db.add(SourceRecord(source="credit", key=key, data=data, updated_at=utcnow()))
    db.commit()


def tasks_of(client: TestClient, headers: dict[str, str], number: str) -> list[dict[str, Any]]:
    return [
        t for t in client.get(f"{API}/tasks", headers=headers).json() if t["case_number"] == number
    ]


def timeline_actions(client: TestClient, headers: dict[str, str], number: str) -> list[str]:
    events = client.get(f"{API}/cases/{number}/timeline", headers=headers).json()["events"]
    return [event["action"] for event in events]
