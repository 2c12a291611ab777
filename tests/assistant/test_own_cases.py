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


def test_own_case_questions_in_other_words_are_answered_from_ones_cases(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    """ "我的…办得怎么样了", "我上次申请的…批了吗", "帮我查一下<number>": the asker's own cases
    of the item named, as "…办到哪了" is answered, not the item's guide."""
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    mine = signed_in("zhangsan")
    for question in (
        "我的放射工作人员证办得怎么样了",
        "我上次申请的放射工作人员证批了吗",
        f"帮我查一下{number}",
        f"查询{number}",
    ):
        answer = _ask(mine, question)
        assert f'href="/cases/{number}"' in answer, question
        assert "您要办的可能是" not in answer, question


def test_no_case_of_the_item_asked_about_is_said_so_not_other_cases_listed(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    radiation = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    answer = _ask(signed_in("zhangsan"), "我的营业执照办到哪了")
    assert f'href="/cases/{radiation}"' not in answer
    assert "您没有" in answer and "的办件" in answer


def test_another_persons_case_is_refused_without_listing_the_askers_own(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    radiation = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    mine = signed_in("zhangsan")
    for question in ("张三的案子办到哪了", "李四的营业执照批了吗", "他的申请进度"):
        answer = _ask(mine, question)
        assert f'href="/cases/{radiation}"' not in answer, question
        assert "只能查询您本人的办件" in answer, question


def test_a_bundle_case_issuing_the_licence_asked_about_is_found(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    """企业开办一件事 issues the 营业执照 (its item 企业设立登记): "我的营业执照办到哪了" finds it."""
    number = submitted(client, as_user("zhangsan"), "3501-BUNDLE-QYKB")["number"]
    answer = _ask(signed_in("zhangsan"), "我的营业执照办到哪了")
    assert f'href="/cases/{number}"' in answer
