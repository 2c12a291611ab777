"""What a rating offers depends on the stage rated: the options API names the stages in
the user's language and lists the reason tags of each stage; 结果不认可 (disagree with the
result) is not offered at receipt, where nothing has been decided, and is refused there."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API
from tests.ratings.conftest import Finish
from tests.web.support import csrf, sign_in

ENGLISH = {"Accept-Language": "en"}


def test_the_options_name_the_stages_in_english(client: TestClient, as_user: Any) -> None:
    english = client.get(f"{API}/ratings/options", headers={**as_user("zhangsan"), **ENGLISH})
    assert english.status_code == 200
    body = english.json()
    assert body["stages"] == {
        "receipt": "Receipt",
        "acceptance": "Acceptance",
        "completion": "Completion",
    }
    assert body["tag_names"]["结果不认可"] == "Disagree with the result"
    chinese = client.get(f"{API}/ratings/options", headers=as_user("zhangsan")).json()
    assert chinese["stages"]["receipt"] == "收件"


def test_disagreeing_with_the_result_is_offered_at_completion_only(
    client: TestClient, as_user: Any, finish: Finish
) -> None:
    stages = client.get(f"{API}/ratings/options", headers=as_user("zhangsan")).json()
    offered = stages["stage_tags"]
    assert "结果不认可" in offered["completion"]["bad"]
    assert "结果不认可" not in offered["receipt"]["bad"] + offered["acceptance"]["bad"]
    assert "多次跑动" in offered["receipt"]["bad"]

    number = finish("submitted")  # waiting for acceptance: its receipt is rated
    url = f"{API}/cases/{number}/rating"
    body = {"stage": "receipt", "score": 1, "tags": ["结果不认可"]}
    refused = client.post(url, json=body, headers={**as_user("zhangsan"), **ENGLISH})
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "tags"
    message = refused.json()["error"]["message"]
    assert "'Disagree with the result' is not a tag for rating the receipt stage" in message
    chinese = client.post(url, json=body, headers=as_user("zhangsan"))
    assert "评价收件环节时不能选择“结果不认可”" in chinese.json()["error"]["message"]
    body["tags"] = ["多次跑动"]
    assert client.post(url, json=body, headers=as_user("zhangsan")).status_code == 201


def test_the_receipt_form_leaves_out_disagreeing_with_the_result(
    client: TestClient, finish: Finish
) -> None:
    number = finish("submitted")
    client.cookies.clear()
    sign_in(client, "zhangsan")
    page = client.get(f"/cases/{number}?lang=en").text
    assert 'value="多次跑动"' in page and 'value="结果不认可"' not in page
    refused = client.post(
        f"/cases/{number}/rating?lang=en",
        data={"csrf_token": csrf(page), "stage": "receipt", "score": "1", "tags": "结果不认可"},
    )
    assert refused.status_code == 422
    assert "is not a tag for rating the receipt stage" in refused.text
