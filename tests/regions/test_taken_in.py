"""我受理转出的办件: a window clerk's list of the cases they took in for walk-in applicants
and passed on, with each case's state and where it is now (page and API); the 思明区 hall's
clerk follows a case forwarded to Fuzhou."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API, act, open_task
from tests.regions.test_cross_region import _received_in_siming
from tests.web.support import SignedIn

RS = "福州市人力资源和社会保障局"


def test_the_receiving_clerk_sees_where_the_forwarded_case_is_now(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = _received_in_siming(signed_in)
    clerk = as_user("sm-clerk")
    listed = client.get(f"{API}/window/taken-in", headers=clerk).json()
    assert [row["number"] for row in listed] == [number]
    assert listed[0]["now"] == [{"stage": "accept", "department_code": "RS"}]
    assert listed[0]["forwarded_at"] is not None and listed[0]["lead_department"] == "RS"
    assert "applicant" not in str(listed) and "张三" not in str(listed)  # nothing personal

    page = signed_in("sm-clerk").get("/staff/taken-in")
    assert page.status_code == 200
    row = page.text.split(f'id="case-{number}"')[1].split("</tr>")[0]
    assert "失业登记" in row and f"转递{RS}办理" in row and f"{RS} · 受理" in row
    assert f'href="/cases/{number}"' in row  # the receiving department reads its part

    staff = as_user("rs")
    accepted = act(client, staff, open_task(client, staff, number, "accept"), "accept")
    assert accepted.status_code == 200, accepted.text
    now = client.get(f"{API}/window/taken-in", headers=clerk).json()[0]["now"]
    assert now == [{"stage": "review", "department_code": "RS"}]
    page = signed_in("sm-clerk").get("/staff/taken-in")
    assert f"{RS} · 审查" in page.text.split(f'id="case-{number}"')[1].split("</tr>")[0]


def test_only_the_clerk_who_took_it_in_lists_it(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    _received_in_siming(signed_in)
    assert client.get(f"{API}/window/taken-in", headers=as_user("clerk")).json() == []
    assert "您还没有在窗口代办提交过办件" in signed_in("clerk").get("/staff/taken-in").text
    refused = client.get(f"{API}/window/taken-in", headers=as_user("zhangsan"))
    assert refused.status_code == 403
