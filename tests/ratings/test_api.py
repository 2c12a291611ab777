"""The ratings API: status codes and bodies for rating, reading, listing and rectifying."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import API
from tests.ratings.conftest import Finish


def test_rate_read_list_and_rectify(
    client: TestClient, as_user: Any, clock: Clock, finish: Finish
) -> None:
    number = finish()
    applicant, staff = as_user("zhangsan"), as_user("rs")
    url = f"{API}/cases/{number}/rating"
    missing = client.get(url, headers=applicant)
    assert missing.status_code == 404 and "尚未评价" in missing.json()["error"]["message"]

    no_comment = client.post(url, json={"score": 2}, headers=applicant)
    assert no_comment.status_code == 422
    assert no_comment.json()["error"]["field"] == "comment"
    assert "写明哪里做得不好" in no_comment.json()["error"]["message"]
    assert client.post(url, json={"score": 6}, headers=applicant).status_code == 422
    assert client.post(url, json={"score": 3}, headers=staff).status_code == 403

    rated = client.post(url, json={"score": 2, "comment": " 等了很久。 "}, headers=applicant)
    assert rated.status_code == 201, rated.text
    body = rated.json()
    assert body["case_number"] == number and body["department_code"] == "RS"
    assert (body["score"], body["score_name"], body["comment"]) == (2, "不满意", "等了很久。")
    assert body["bad"] and body["open"] and not body["overdue"]
    assert body["rectify_due_at"] is not None and body["rectification"] is None
    again = client.post(url, json={"score": 5}, headers=applicant)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_rated"
    assert client.get(url, headers=staff).json()["id"] == body["id"]

    clock.advance(hours=25)
    listed = client.get(f"{API}/ratings", params={"bad": "true"}, headers=staff)
    assert listed.status_code == 200
    assert [(r["id"], r["overdue"]) for r in listed.json()] == [(body["id"], True)]
    other = client.get(f"{API}/ratings", params={"department": "RS"}, headers=as_user("ga"))
    assert other.status_code == 403
    assert client.get(f"{API}/ratings", headers=applicant).status_code == 403
    watched = client.get(
        f"{API}/ratings", params={"department": "RS"}, headers=as_user("supervisor")
    )
    assert [r["id"] for r in watched.json()] == [body["id"]]

    fix = f"{API}/ratings/{body['id']}/rectification"
    assert client.post(fix, json={"text": "已整改"}, headers=as_user("ga")).status_code == 403
    assert client.post(fix, json={"text": ""}, headers=staff).status_code == 422
    done = client.post(fix, json={"text": "已简化流程，并电话致歉。"}, headers=staff)
    assert done.status_code == 200, done.text
    fixed = done.json()
    assert (
        fixed["rectification"] == "已简化流程，并电话致歉。"
        and fixed["rectified_by"] == "人社审查员"
    )
    assert not fixed["open"] and fixed["late"]  # 25 hours after a 24-hour limit
    assert client.post(fix, json={"text": "再次"}, headers=staff).status_code == 409
    messages = client.get(f"{API}/me/messages", headers=applicant).json()
    assert messages[0]["topic"] == "rating_rectified"
    assert messages[0]["payload"]["opinion"] == "已简化流程，并电话致歉。"


def test_unfinished_cases_cannot_be_rated(client: TestClient, as_user: Any, finish: Finish) -> None:
    number = finish("submitted")
    response = client.post(
        f"{API}/cases/{number}/rating", json={"score": 5}, headers=as_user("zhangsan")
    )
    assert (
        response.status_code == 409
        and "办理完毕（已办结、不予许可或不予受理）后才能评价"
        in response.json()["error"]["message"]
    )
    assert (
        client.post(
            f"{API}/ratings/2147483647/rectification", json={"text": "x"}, headers=as_user("rs")
        ).status_code
        == 404
    )
