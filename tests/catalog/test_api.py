"""Reading items and bundles through the API: the service guide of an item, and a
bundle's items with their one merged form.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    assert len(keys) == len(set(keys)), f"duplicate keys: {keys}"
    return dict(pairs)


def test_item_returns_its_service_guide(client: TestClient) -> None:
    response = client.get(f"{API}/items/3501-SCJG-002")

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["code"] == "3501-SCJG-002"
    assert body["kind"] == "item"
    assert body["department_code"] == "SCJG"
    definition = body["definition"]
    assert definition["time_limit"] == {"unit": "working_days", "legal": 10, "promised": 1}
    assert definition["form"]["properties"]["premises_area"]["type"] == "number"
    assert "FOOD_LAYOUT" in [material["code"] for material in definition["materials"]]
    guide = definition["items"][0]
    assert guide["legal_basis"][0] == "《中华人民共和国食品安全法》第三十五条"
    assert [stage["stage"] for stage in guide["process"]["stages"]] == [
        "accept",
        "review",
        "decide",
        "issue",
    ]
    assert guide["result"]["name"] == "食品经营许可证"


def test_enterprise_start_up_bundle_has_five_departments_and_one_merged_form(
    client: TestClient,
) -> None:
    response = client.get(f"{API}/bundles/3501-BUNDLE-QYKB")

    assert response.status_code == 200, response.text
    body = json.loads(response.text, object_pairs_hook=_no_duplicate_keys)
    definition = body["definition"]
    items = definition["items"]
    assert len(items) == 5
    assert {item["department"] for item in items} == {"SCJG", "GA", "SW", "RS", "GJJ"}
    form = definition["form"]
    asked = {name for item in items for name in item["form"]["properties"]}
    assert set(form["properties"]) == asked
    assert len(form["required"]) == len(set(form["required"]))
    assert set(form["required"]) <= asked
    codes = [material["code"] for material in definition["materials"]]
    assert len(codes) == len(set(codes))
    assert codes.count("ID_CARD") == 1


def test_bundle_list_names_the_five_bundles(client: TestClient) -> None:
    codes = [entry["code"] for entry in client.get(f"{API}/bundles").json()]

    assert codes == [
        "3501-BUNDLE-ESFGH",
        "3501-BUNDLE-KCG",
        "3501-BUNDLE-QYKB",
        "3501-BUNDLE-QYZX",
        "3501-BUNDLE-XSECS",
    ]


def test_item_list_has_every_demo_item(client: TestClient) -> None:
    listed = client.get(f"{API}/items").json()

    assert len(listed) == 44  # with 3501-RS-006 (免申即享)
    assert {entry["kind"] for entry in listed} == {"item"}


def test_unknown_code_is_404_with_a_chinese_message(client: TestClient) -> None:
    response = client.get(f"{API}/items/3501-NOPE-001")

    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert error["message"] == "没有找到事项“3501-NOPE-001”。"


def test_unknown_code_message_is_english_when_asked(client: TestClient) -> None:
    response = client.get(f"{API}/items/3501-NOPE-001", headers={"Accept-Language": "en"})

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "No service item or bundle '3501-NOPE-001'."


def test_an_item_code_is_not_a_bundle(client: TestClient) -> None:
    response = client.get(f"{API}/bundles/3501-SCJG-001")

    assert response.status_code == 404
    assert "3501-SCJG-001" in response.json()["error"]["message"]


def test_a_bundle_gives_its_situation_questions_and_their_options(client: TestClient) -> None:
    """Issue 16's trial (fault 8): an app could not learn the questions behind
    ``s_<question>=``; now it reads them and sends an answer back."""
    bundle = client.get(f"{API}/bundles/3501-BUNDLE-KCG").json()
    asked = {q["code"]: q for q in bundle["situations"]}
    assert asked["licence"]["question"] == "是否已经取得营业执照?"
    assert asked["licence"]["question_en"] == "Do you already hold a business licence?"
    assert [o["value"] for o in asked["licence"]["options"]] == ["none", "held"]
    answers = {f"s_{code}": q["options"][0]["value"] for code, q in asked.items()}
    held = client.get(
        f"{API}/bundles/3501-BUNDLE-KCG", params={**answers, "s_licence": "held"}
    ).json()
    assert held["situation_answers"]["licence"] == "held"
    assert len(held["definition"]["items"]) < len(bundle["definition"]["items"])
    assert client.get(f"{API}/items/3501-RS-003").json()["situations"] == []


def test_the_finder_answers_through_the_api_with_english_event_names(client: TestClient) -> None:
    """Issue 16's trial (faults 6 and 8): no finder in the API; event names only Chinese."""
    events = client.get(f"{API}/finder", params={"who": "enterprise"}).json()["events"]
    assert {"event": "企业注销", "event_en": "Closing a business"} in events
    assert all(e["event"] != "生育" for e in events)  # a company has no baby
    found = client.get(f"{API}/finder", params={"who": "enterprise", "event": "开餐馆"}).json()
    assert found["entries"][0]["code"] == "3501-BUNDLE-KCG"
    nothing = client.get(f"{API}/finder", params={"who": "robot", "event": "开餐馆"}).json()
    assert nothing["who"] is None and nothing["entries"] == []
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    assert f"{API}/finder" in paths


def test_deregistration_asks_about_invoices_as_the_digital_invoice_era_has_them(
    client: TestClient,
) -> None:
    """Issue 16's trial (fault 14): the form asked whether "all invoices and tax control
    devices" were returned; a taxpayer issuing only 数电发票 has neither to return."""
    form = client.get(f"{API}/items/3501-SW-002").json()["definition"]["form"]
    title = form["properties"]["invoices_cancelled"]["title"]
    assert "纸质发票" in title and "数电发票" in title
