"""Cases of instant items driven through the API, with the shared data they are decided on
set per test (in the test's transaction)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import API, entry, sign, upload
from tests.sharing.conftest import population  # noqa: F401  (fixture)
from tests.web.conftest import signed_in  # noqa: F401  (fixture)
from tongban.demo.samples import fill_form, sample
from tongban.sharing.models import SourceRecord

ZHANGSAN_ID = "350102196204180310"
MINFENG_CREDIT = "91350102MA2XQ1K7XN"


def set_record(db: Session, source: str, key: str, data: dict[str, Any] | None) -> None:
    """What ``source`` holds for ``key`` (None: no record), committed in the test's
    transaction."""
    query = select(SourceRecord).where(SourceRecord.source == source, SourceRecord.key == key)
    row = db.scalar(query)
    if row is not None:
        db.delete(row)
        db.flush()
    if data is not None:
        from tests.conftest import START

        db.add(SourceRecord(source=source, key=key, data=data, updated_at=START))
    db.commit()


def apply(
    client: TestClient,
    headers: dict[str, str],
    code: str,
    answers: dict[str, Any],
    *,
    files: str = "own",
) -> dict[str, Any]:
    """Fill, attach (each file of its own unless ``files`` names a shared mark), sign and
    submit a case of ``code``; the submit response."""
    spec = entry(client, code)
    created = client.post(f"{API}/cases", json={"code": code, "form_data": {}}, headers=headers)
    assert created.status_code == 201, created.text
    case = created.json()
    form = fill_form(spec["form"], {**case["form_data"], **answers})
    form.update(answers)
    saved = client.patch(f"{API}/cases/{case['number']}", json={"form_data": form}, headers=headers)
    assert saved.status_code == 200, saved.text
    for material in spec["materials"]:
        ways = material.get("ways") or ["upload"]
        if material["required"] and "signed" in ways:
            sign(client, headers, case["number"], material["code"])
        if (material["required"] and ways == ["upload"]) or (
            ways[-1] == "upload" and material["required"]
        ):
            kind = (material.get("formats") or ["pdf"])[0]
            mark = f"{case['number']}/{material['code']}" if files == "own" else files
            response = upload(
                client, headers, case["number"], material["code"], sample(kind, mark), kind
            )
            assert response.status_code == 201, response.text
    submitted = client.post(f"{API}/cases/{case['number']}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    return dict(submitted.json())
