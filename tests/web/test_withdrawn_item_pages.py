"""An item withdrawn while an applicant's draft is ready: the API answers 409 with the
reason, the pages show the draft with a clear notice instead of a receipt, and nothing
already entered is lost.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import API, draft
from tests.web.support import ITEM, PDF, VALID, SignedIn, confirm, csrf, fill_in
from tongban.audit.service import Actor
from tongban.catalog import service as catalog
from tongban.catalog.enums import EntryStatus

NOW = datetime(2025, 9, 22, 1, 0, tzinfo=UTC)


def _withdraw(db: Session) -> None:
    """What 「撤下」 on the catalog admin page does, committed for the next request."""
    admin = Actor(id=None, name="目录管理员")
    catalog.set_status(db, code=ITEM, status=EntryStatus.withdrawn, actor=admin, now=NOW)
    db.commit()


def test_the_api_refuses_to_submit_a_draft_of_a_withdrawn_item(
    client: TestClient, as_user: Any, db: Session
) -> None:
    headers = as_user("zhangsan")
    number = draft(client, headers, ITEM)["number"]
    _withdraw(db)
    response = client.post(f"{API}/cases/{number}/submit", headers=headers)
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "entry_withdrawn" and "已停止办理" in error["message"]
    english = client.post(
        f"{API}/cases/{number}/submit", headers={**headers, "Accept-Language": "en"}
    )
    assert "no longer offered" in english.json()["error"]["message"]
    case = client.get(f"{API}/cases/{number}", headers=headers).json()
    assert case["state"] == "draft" and case["form_data"]


def test_confirming_a_draft_of_a_withdrawn_item_shows_the_draft_with_the_reason(
    signed_in: SignedIn, db: Session
) -> None:
    client = signed_in("zhangsan")
    review = fill_in(client, ITEM, VALID, {"m_ID_CARD": ("id.pdf", PDF, "application/pdf")})
    assert review.status_code == 200 and "/review" in str(review.url)
    number = str(review.url).split("/")[-2]
    _withdraw(db)

    page = confirm(client, review.text)
    assert page.status_code == 409
    assert "已停止办理" in page.text and "申请回执" not in page.text
    assert 'value="福州市鼓楼区五四路1号"' in page.text  # the draft, as it was entered
    assert "id.pdf" in page.text
    assert "已停止办理" in client.get(f"/cases/{number}/edit").text
    assert client.get(f"/cases/{number}/review").status_code == 409
    # saving still keeps what is typed
    token = csrf(client.get(f"/cases/{number}/edit").text)
    form = {**VALID, "phone": "13800000009", "intent": "save", "csrf_token": token}
    assert client.post(f"/cases/{number}/edit", data=form).status_code == 200
    assert 'value="13800000009"' in client.get(f"/cases/{number}/edit").text
