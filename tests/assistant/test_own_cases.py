"""Questions about one's own case are answered from the signed-in applicant's own cases:
anonymous people are asked to sign in, and another applicant's case is never shown, not
even when its number is in the question."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import submitted
from tests.web.support import SignedIn, csrf

RADIATION = "3501-WJW-002"  # 放射工作人员证核发
SHOP = "3501-SCJG-003"  # 个体工商户设立登记: its result is a 营业执照


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


def test_a_case_number_or_a_licence_named_narrows_to_the_askers_own_cases(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    owner = as_user("zhangsan")
    radiation = submitted(client, owner, RADIATION)["number"]
    shop = submitted(client, owner, SHOP)["number"]
    theirs = submitted(client, as_user("lisi"), RADIATION)["number"]
    assert "请先登录" in _ask(client, f"{radiation}办到哪了")
    mine = signed_in("zhangsan")

    by_number = _ask(mine, f"TB{radiation}办到哪了")
    assert f'href="/cases/{radiation}"' in by_number
    assert f'href="/cases/{shop}"' not in by_number
    by_licence = _ask(mine, "我的营业执照办到哪了")
    assert f'href="/cases/{shop}"' in by_licence
    assert f'href="/cases/{radiation}"' not in by_licence

    another = _ask(mine, f"{theirs}办到哪了")  # another applicant's number: nothing shown
    assert f'href="/cases/{theirs}"' not in another
    assert f'href="/cases/{radiation}"' not in another and f'href="/cases/{shop}"' not in another
    assert "您的办件中没有与问题相符的办件" in another
