"""A body past its limit is refused with 413 and a message saying what to do, before any
route reads it, and nothing is saved (the attack run stored a 10 MB form_data)."""

from __future__ import annotations

import json

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.factories import API
from tests.web.support import VALID, csrf, field_messages, found, sign_in
from tongban.cases.models import Case

ITEM = "3501-RS-003"


def _cases(db: Session) -> int:
    return db.scalar(select(func.count(Case.id))) or 0


def test_a_ten_megabyte_form_is_refused_and_nothing_is_saved(
    client: TestClient, db: Session, as_user
) -> None:  # type: ignore[no-untyped-def]
    before = _cases(db)
    body = {"code": ITEM, "form_data": {"note": "字" * 3_500_000}}
    refused = client.post(f"{API}/cases", json=body, headers=as_user("zhangsan"))
    assert refused.status_code == 413
    assert "提交的内容过大（超过 1024 KB）" in refused.json()["error"]["message"]
    assert _cases(db) == before


def test_a_body_sent_without_a_length_is_counted_as_it_arrives(
    live: httpx.Client,
) -> None:
    signed_in = live.post(
        f"{API}/auth/login", json={"username": "zhangsan", "password": "demo12345"}
    )
    headers = {
        "Authorization": f"Bearer {signed_in.json()['access_token']}",
        "Content-Type": "application/json",
    }
    payload = json.dumps({"code": ITEM, "form_data": {"note": "x" * 2_000_000}}).encode()

    def chunks():  # type: ignore[no-untyped-def]
        for start in range(0, len(payload), 65536):
            yield payload[start : start + 65536]

    refused = live.post(f"{API}/cases", content=chunks(), headers=headers)
    assert refused.status_code == 413


def test_an_oversized_upload_answers_with_the_form_naming_the_limit_at_the_field(
    client: TestClient, db: Session
) -> None:
    """The form comes back signed in, what was typed saved in the draft, the file's limit
    said beside its material (not a bare error page that looks signed out)."""
    sign_in(client, "zhangsan")
    token = csrf(client.get(f"/apply/{ITEM}").text)
    big = b"%PDF-1.4\n" + b"0" * (22 * 1024 * 1024)
    page = client.post(
        f"/apply/{ITEM}",
        data={**VALID, "csrf_token": token},
        files={"m_ID_CARD": ("scan.pdf", big, "application/pdf")},
    )
    assert page.status_code == 422
    assert "文件“scan.pdf”超过 20 MB，请压缩后再上传。" in field_messages(page.text)["m_ID_CARD"]
    assert "退出" in page.text and f'value="{VALID["employer_name"]}"' in page.text
    number = found(r'action="/cases/(\d+)/edit"', page.text)
    db.expire_all()
    saved = db.query(Case).filter(Case.number == number).one()
    assert saved.form_data["employer_name"] == VALID["employer_name"]
