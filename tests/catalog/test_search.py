"""Searching the catalog the way applicants type: plain Chinese words, item codes,
and phrasings that are not a substring of any name.
"""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.factories import API


def _codes(client: TestClient, query: str) -> list[str]:
    response = client.get(f"{API}/search", params={"q": query})
    assert response.status_code == 200, response.text
    return [hit["code"] for hit in response.json()]


def _items(client: TestClient, query: str) -> list[str]:
    response = client.get(f"{API}/search", params={"q": query})
    return [hit["code"] for hit in response.json() if hit["kind"] == "item"]


def test_restaurant_finds_the_bundle_first_and_the_food_licence(client: TestClient) -> None:
    found = _codes(client, "开餐馆")

    assert found[0] == "3501-BUNDLE-KCG"
    assert "3501-SCJG-002" in found  # 食品经营许可证核发


def test_business_licence_finds_company_registration_as_first_item(client: TestClient) -> None:
    assert _items(client, "营业执照")[0] == "3501-SCJG-001"


def test_muck_finds_the_muck_transport_filing_first(client: TestClient) -> None:
    assert _codes(client, "渣土")[0] == "3501-CGJ-001"


def test_item_code_finds_that_item_first(client: TestClient) -> None:
    assert _codes(client, "3501-GA-003")[0] == "3501-GA-003"


def test_search_hits_carry_kind_name_and_version(client: TestClient) -> None:
    hit = client.get(f"{API}/search", params={"q": "渣土"}).json()[0]

    assert hit == {
        "code": "3501-CGJ-001",
        "kind": "item",
        "name": "建筑垃圾(渣土)运输处置备案",
        "department_code": "CGJ",
        "version": hit["version"],
    }
    assert hit["version"] >= 1


def test_nonsense_finds_nothing(client: TestClient) -> None:
    assert _codes(client, "xyzxyz") == []


def test_items_endpoint_search_returns_only_items(client: TestClient) -> None:
    response = client.get(f"{API}/items", params={"q": "开餐馆"})

    kinds = {hit["kind"] for hit in response.json()}
    assert kinds == {"item"}
    assert "3501-SCJG-002" in [hit["code"] for hit in response.json()]


def test_a_phrase_that_is_not_a_substring_still_finds_the_restaurant_bundle(
    client: TestClient,
) -> None:
    assert "3501-BUNDLE-KCG" in _codes(client, "开个餐馆")
