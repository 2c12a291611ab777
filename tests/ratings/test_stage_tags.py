"""What a rating offers depends on the stage rated: the options API names the stages in
the user's language and lists the reason tags of each stage; 结果不认可 (disagree with the
result) is not offered at receipt, where nothing has been decided, and is refused there."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import API
from tests.ratings.conftest import Finish
from tests.web.support import csrf, sign_in
from tongban.ratings.rules import STAGES
from tongban.ratings.tags import read_tags

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


def test_each_stage_offers_the_reasons_that_fit_what_has_happened_by_then(
    client: TestClient, as_user: Any, finish: Finish
) -> None:
    """At receipt nothing has run yet: no 办理时间长 (took too long) and no 一次办好 (done in
    one go); the wait for acceptance may have been long; only completion offers them all."""
    offered = client.get(f"{API}/ratings/options", headers=as_user("zhangsan")).json()
    tags = offered["stage_tags"]
    assert "办理时间长" not in tags["receipt"]["bad"] and "一次办好" not in tags["receipt"]["good"]
    assert {"指南不准确", "材料要求多", "服务态度差", "系统不好用"} <= set(tags["receipt"]["bad"])
    assert "办理时间长" in tags["acceptance"]["bad"]
    assert "结果不认可" not in tags["acceptance"]["bad"]
    every = set(offered["good_tags"]) | set(offered["bad_tags"])
    assert set(tags["completion"]["good"]) | set(tags["completion"]["bad"]) == every

    number = finish("submitted")
    url = f"{API}/cases/{number}/rating"
    body = {"stage": "receipt", "score": 2, "tags": ["办理时间长"]}
    refused = client.post(url, json=body, headers=as_user("zhangsan"))
    assert refused.status_code == 422 and refused.json()["error"]["field"] == "tags"
    assert "评价收件环节时不能选择“办理时间长”" in refused.json()["error"]["message"]


@pytest.mark.parametrize(
    ("broken", "said"),
    [
        ("- {tag: 快, en: Quick, level: good, stages: [review], source: 评价内容}", "review"),
        ("- {tag: 快, en: Quick, level: fine, stages: [receipt], source: 评价内容}", "fine"),
        ("- {tag: 快, level: good, stages: [receipt], source: 评价内容}", "en"),
        ("- {tag: 快, en: Quick, level: good, stages: [receipt]}", "source"),
        (
            "- {tag: 快, en: Quick, level: good, stages: [receipt], source: 评价内容}\n"
            "- {tag: 快, en: Fast, level: bad, stages: [receipt], source: 评价内容}",
            "listed twice",
        ),
    ],
)
def test_a_broken_tag_list_is_refused_naming_what_is_wrong(broken: str, said: str) -> None:
    with pytest.raises(ValueError, match=said):
        read_tags(broken, stages=STAGES)
