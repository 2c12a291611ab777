"""Questions about one's own case are answered from the signed-in applicant's own cases:
anonymous people are asked to sign in, and another applicant's case is never shown, not
even when its number is in the question."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import submitted
from tests.web.support import SignedIn, csrf

RADIATION = "3501-WJW-002"  # 放射工作人员证核发


def _ask(client: TestClient, question: str) -> str:
    token = csrf(client.get("/").text)
    response = client.post("/ask", data={"q": question, "csrf_token": token})
    assert response.status_code == 200, response.text
    return response.text


def test_own_case_progress_is_answered_for_its_applicant_only(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    anonymous = _ask(client, "我的放射工作人员证办到哪了")
    assert "请先登录" in anonymous and number not in anonymous

    mine = _ask(signed_in("zhangsan"), "我的放射工作人员证办到哪了")
    assert number in mine and f'href="/cases/{number}"' in mine

    for question in ("我的放射工作人员证办到哪了", f"我的办件 {number} 进度", "我的申请到哪一步了"):
        theirs = _ask(signed_in("lisi"), question)
        assert f'href="/cases/{number}"' not in theirs, question
        assert "您还没有办件" in theirs
