"""A rating's tags fit its level; only those who handle the department's cases hear of
its bad ratings and rectify them (an inspector of the department does neither)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API
from tests.licences.support import FOOD, licensed
from tests.ratings.conftest import Finish
from tongban.worker import run_once


def test_a_bad_rating_with_a_good_tag_is_refused_saying_what_to_fix(
    client: TestClient, as_user: Any, finish: Finish
) -> None:
    number = finish()
    url, headers = f"{API}/cases/{number}/rating", as_user("zhangsan")
    refused = client.post(
        url, json={"score": 1, "comment": "跑了三次。", "tags": ["服务热情"]}, headers=headers
    )
    assert refused.status_code == 422
    assert "“服务热情”与所选满意度不符" in refused.text
    english = client.post(
        url,
        json={"score": 1, "comment": "跑了三次。", "tags": ["服务热情"]},
        headers={**headers, "Accept-Language": "en"},
    )
    assert "does not fit the level" in english.text
    good = client.post(url, json={"score": 5, "tags": ["多次跑动"]}, headers=headers)
    assert good.status_code == 422 and "“多次跑动”与所选满意度不符" in good.text
    fitting = client.post(
        url, json={"score": 1, "comment": "跑了三次。", "tags": ["多次跑动"]}, headers=headers
    )
    assert fitting.status_code == 201, fitting.text


def test_an_inspector_neither_hears_of_nor_rectifies_a_bad_rating(
    client: TestClient, as_user: Any
) -> None:
    result = licensed(client, as_user, FOOD)  # a case of 市场监管's, inspectors takan1–3
    number = result["case_number"]
    rated = client.post(
        f"{API}/cases/{number}/rating",
        json={"score": 1, "comment": "现场等了很久。"},
        headers=as_user("minfeng"),
    )
    assert rated.status_code == 201, rated.text
    rating_id = rated.json()["id"]
    run_once(client.app.state.runtime)  # the department's messages spread to its staff
    told = client.get("/messages", headers=as_user("scjg")).text
    assert f"收到差评，请按时整改：{number}" in told
    inspector = client.get("/messages", headers=as_user("takan1")).text
    assert f"收到差评，请按时整改：{number}" not in inspector
    refused = client.post(
        f"{API}/ratings/{rating_id}/rectification",
        json={"text": "已整改。"},
        headers=as_user("takan1"),
    )
    assert refused.status_code == 403, refused.text
