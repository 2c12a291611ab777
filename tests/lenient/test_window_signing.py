"""The deficiency commitment signed at the window: the clerk who may accept the case prints
the same letter the online applicant signs, records the applicant's signature (by hand on
paper, confirmed, or typed on the screen) and accepts with deficiencies; the case keeps
who signed, when, which text, how and before whom."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API, open_task
from tests.lenient.support import FOOD, submitted_without
from tests.web.conftest import signed_in
from tests.web.support import SignedIn, csrf

MISSING = "FOOD_SAFETY_RULES"

__all__ = ["signed_in"]


def test_a_walk_in_signs_on_paper_and_the_clerk_accepts_with_deficiencies(
    client: TestClient, as_user: Any
) -> None:
    number = submitted_without(client, as_user("minfeng"), FOOD, skip={MISSING})
    clerk = as_user("scjg")
    letter = client.get(f"{API}/cases/{number}/deficiency/letter", headers=clerk).json()
    printed = client.get(f"{API}/cases/{number}/deficiency/letter.pdf", headers=clerk)
    assert printed.status_code == 200 and printed.content.startswith(b"%PDF")
    url = f"{API}/cases/{number}/deficiency/window-signature"
    unconfirmed = client.post(url, json={"name": "王五", "method": "paper"}, headers=clerk)
    assert unconfirmed.status_code == 422
    assert "已在打印的承诺书上签字" in unconfirmed.json()["error"]["message"]
    wrong = client.post(
        url, json={"name": "张三", "method": "paper", "confirmed": True}, headers=clerk
    )
    assert wrong.status_code == 422 and "王五" in wrong.json()["error"]["message"]
    applicant_self = client.post(
        url, json={"name": "王五", "method": "screen"}, headers=as_user("minfeng")
    )
    assert applicant_self.status_code in (403, 404)  # staff only
    signed = client.post(
        url, json={"name": "王五", "method": "paper", "confirmed": True}, headers=clerk
    )
    assert signed.status_code == 201, signed.text

    rows = client.get(f"{API}/cases/{number}/materials", headers=clerk).json()
    row = next(r for r in rows if r["material_code"] == "DEFICIENCY_COMMITMENT")
    assert row["reference"] == f"sha256:{letter['sha256']}"  # the very text read
    assert row["summary"].startswith("已在窗口签署（在打印的承诺书上手写签名")
    accepted = client.post(
        f"{API}/cases/{number}/deficiency/accept", json={"opinion": "主件齐全"}, headers=clerk
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["outstanding"] == [MISSING]
    events = client.get(f"{API}/cases/{number}/timeline", headers=clerk).json()["events"]
    assert any(e["action"] == "material.signed" for e in events)
    late = client.post(url, json={"name": "王五", "method": "screen"}, headers=clerk)
    assert late.status_code == 409  # accepted: nothing more to sign


def test_the_clerk_records_a_signature_typed_on_the_screen_from_the_task_page(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = submitted_without(client, as_user("minfeng"), FOOD, skip={MISSING})
    task = open_task(client, as_user("scjg"), number, "accept")
    clerk = signed_in("scjg")
    page = clerk.get(f"/staff/tasks/{task['id']}")
    assert "记录窗口签署" in page.text and "deficiency/letter.pdf" in page.text
    wrong = clerk.post(
        f"/staff/cases/{number}/deficiency/sign",
        data={"name": "张三", "method": "screen", "csrf_token": csrf(page.text)},
    )
    assert wrong.status_code == 422 and "王五" in wrong.text
    done = clerk.post(
        f"/staff/cases/{number}/deficiency/sign",
        data={"name": "王五", "method": "screen", "csrf_token": csrf(page.text)},
    )
    assert done.status_code == 200 and "申请人已于" in done.text
    assert "已在窗口签署（在窗口屏幕上输入姓名" in done.text
