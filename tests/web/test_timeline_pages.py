"""The timeline lists each action once, and a correction keeps the first submission time
(issue 8, fault 17).
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import Clock
from tests.factories import API, act, open_task, submitted
from tests.web.support import ITEM, SignedIn, found


def _events(html: str) -> list[str]:
    """The rows of 办理记录, tags removed."""
    table = found(r"办理记录.*?<tbody>(.*?)</tbody>", html.replace("\n", " "))
    rows = re.findall(r"<tr>(.*?)</tr>", table)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


def test_each_staff_action_is_listed_once(client: TestClient, as_user, signed_in: SignedIn) -> None:  # type: ignore[no-untyped-def]
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    rs = as_user("rs")
    for stage, action in [("accept", "accept"), ("review", "review")]:  # the stages it lists
        body = {"outcome": "approved", "opinion": f"{stage} ok"}
        assert (
            act(client, rs, open_task(client, rs, number, stage), action, **body).status_code == 200
        )
    events = _events(signed_in("zhangsan").get(f"/cases/{number}").text)
    by_reviewer = [row for row in events if "人社审查员" in row]
    assert len(by_reviewer) == 2, by_reviewer  # accepted, reviewed: once each
    timeline = client.get(f"{API}/cases/{number}/timeline", headers=as_user("zhangsan")).json()
    assert [e["action"] for e in timeline["events"]].count("task.approved") == 1  # the review


def test_a_correction_keeps_the_first_submission_time(
    client: TestClient, as_user, signed_in: SignedIn, clock: Clock
) -> None:  # type: ignore[no-untyped-def]
    applicant = as_user("zhangsan")
    number = submitted(client, applicant, ITEM)["number"]  # Monday 2025-09-22 09:00
    rs = as_user("rs")
    notice = {"problems": [{"target": "phone", "problem": "电话号码有误"}]}
    assert (
        act(client, rs, open_task(client, rs, number, "accept"), "correction", **notice).status_code
        == 201
    )
    clock.advance(days=1, hours=2)
    response = client.post(f"{API}/cases/{number}/resubmit", headers=applicant)
    assert response.status_code == 200, response.text
    assert response.json()["submitted_at"].startswith("2025-09-22T01:00")
    assert response.json()["received_at"].startswith("2025-09-23T03:00")
    page = signed_in("zhangsan").get(f"/cases/{number}").text
    receipt = client.get(f"/cases/{number}/receipt").text
    for html in (page, receipt):
        assert re.search(r"提交时间</dt>\s*<dd>2025-09-22 09:00", html), html
        assert re.search(r"补正后重新提交</dt>\s*<dd>2025-09-23 11:00", html), html
