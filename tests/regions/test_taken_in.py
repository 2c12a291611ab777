"""我受理转出的办件: a window clerk's list of the cases they took in for walk-in applicants
and passed on, with each case's state and where it is now (page and API); the 思明区 hall's
clerk follows a case forwarded to Fuzhou; the list comes a page at a time."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import API, act, open_task
from tests.regions.test_cross_region import _received_in_siming
from tests.web.support import SignedIn, found
from tongban.cases import service as cases

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


def _three_taken_in(signed_in: SignedIn) -> list[str]:
    """Three cases the 思明区 clerk took in, newest first."""
    return [_received_in_siming(signed_in) for _ in range(3)][::-1]


def test_the_api_answers_a_page_at_a_time_with_a_link_to_the_next(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    numbers = _three_taken_in(signed_in)
    clerk = as_user("sm-clerk")
    first = client.get(f"{API}/window/taken-in", params={"limit": 2}, headers=clerk)
    assert [row["number"] for row in first.json()] == numbers[:2]
    link = first.headers["Link"]
    assert link.endswith('>; rel="next"') and "limit=2" in link and "after=" in link
    older = client.get(link[1 : link.index(">")], headers=clerk)
    assert [row["number"] for row in older.json()] == numbers[2:]
    assert "Link" not in older.headers  # the last page
    everything = client.get(f"{API}/window/taken-in", headers=clerk)
    assert [row["number"] for row in everything.json()] == numbers  # 100 by default
    edited = client.get(f"{API}/window/taken-in", params={"after": "x.1"}, headers=clerk)
    assert edited.status_code == 422 and "第一页" in edited.json()["error"]["message"]
    too_many = client.get(f"{API}/window/taken-in", params={"limit": 501}, headers=clerk)
    assert too_many.status_code == 422


def test_the_page_has_older_and_newer_pages(
    signed_in: SignedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    numbers = _three_taken_in(signed_in)
    monkeypatch.setattr(cases, "TAKEN_IN_PAGE", 2)
    clerk = signed_in("sm-clerk")
    first = clerk.get("/staff/taken-in").text
    assert _listed(first) == numbers[:2] and "每页 2 件" in first
    assert 'rel="prev"' not in first
    older = clerk.get(found(r'href="([^"]+)" rel="next"', first)).text
    assert _listed(older) == numbers[2:] and 'rel="next"' not in older
    newer = clerk.get(found(r'href="([^"]+)" rel="prev"', older)).text
    assert _listed(newer) == numbers[:2]
    edited = clerk.get("/staff/taken-in", params={"after": "n.1"})
    assert edited.status_code == 422 and "请从第一页重新浏览" in edited.text


def _listed(page: str) -> list[str]:
    return re.findall(r'<tr id="case-(\d+)">', page)
