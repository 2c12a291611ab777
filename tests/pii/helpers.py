"""A full case of a person (by post, through every stage), and a grep of the raw database."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

from tests.factories import API, act, draft, entry, open_task, upload
from tests.payments.helpers import deliver_notices, pay
from tongban.db import Base
from tongban.demo.samples import sample
from tongban.models import load_all
from tongban.web.runtime import Runtime

ID_CARD = "3501-GA-003"  # 居民身份证: 受理, 审查, 制证, 送达
ZHANGSAN_ID = "350102196204180310"
ZHANGSAN_PHONE = "13800000001"
ADDRESS = {"recipient": "张三", "phone": ZHANGSAN_PHONE, "address": "福州市鼓楼区五四路158号"}


def full_case(
    client: TestClient,
    as_user: Any,
    runtime: Runtime,
    now: datetime,
    *,
    address: dict[str, str] = ADDRESS,
) -> str:
    """Zhangsan's ID card case, by post, its fee paid, accepted, reviewed, issued and
    delivered; one of its uploads holds his ID number and phone in clear (as a scan's text
    layer would)."""
    applicant, ga = as_user("zhangsan"), as_user("ga")
    case = draft(client, applicant, ID_CARD)
    uploads = [
        m for m in entry(client, ID_CARD)["materials"] if "upload" in (m.get("ways") or ["upload"])
    ]
    if uploads:
        pdf = sample("pdf", f"{case['number']}/own")
        own = pdf + f"% {ZHANGSAN_ID} {ZHANGSAN_PHONE}\n".encode()  # a comment after %%EOF
        response = upload(client, applicant, case["number"], uploads[0]["code"], data=own)
        assert response.status_code == 201, response.text
    form = dict(case["form_data"])
    for name in form:
        if name.endswith("id_number"):
            form[name] = ZHANGSAN_ID
        elif name.endswith("phone"):
            form[name] = ZHANGSAN_PHONE
    body = {"form_data": form, "delivery": "mail", "postal": address}
    response = client.patch(f"{API}/cases/{case['number']}", json=body, headers=applicant)
    assert response.status_code == 200, response.text
    number = str(case["number"])
    response = client.post(f"{API}/cases/{number}/submit", headers=applicant)
    assert response.status_code == 200, response.text
    pay(client, runtime, applicant, number, now)  # the 工本费 is paid before acceptance
    for stage, action, extra in [
        ("accept", "accept", {}),
        ("review", "review", {"outcome": "approved", "opinion": "符合条件"}),
        ("issue", "issue", {}),
        ("deliver", "deliver", {"tracking_number": "SF1234567890123"}),
    ]:
        response = act(client, ga, open_task(client, ga, number, stage), action, **extra)
        assert response.status_code == 200, response.text
    deliver_notices(runtime, now + timedelta(days=3))  # the courier's route, to 已签收
    case = client.get(f"{API}/cases/{number}", headers=applicant).json()
    assert case["state"] == "completed"
    return number


def grep_database(connection: Connection, *needles: str) -> dict[str, list[str]]:
    """Where each needle occurs in the raw rows of every table: ``{needle: [table.column]}``."""
    load_all()
    found: dict[str, list[str]] = {needle: [] for needle in needles}
    for table in Base.metadata.sorted_tables:
        rows = connection.execute(text(f"SELECT * FROM {table.name}"))
        names = list(rows.keys())
        for row in rows:
            for name, value in zip(names, row, strict=True):
                raw = str(value)
                for needle in needles:
                    where = f"{table.name}.{name}"
                    escaped = json.dumps(needle)[1:-1]  # as SQLite's JSON text holds it
                    hit = needle in raw or escaped in raw
                    if hit and where not in found[needle]:
                        found[needle].append(where)
    return found
