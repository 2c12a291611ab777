"""The JSON API gives the English name beside every Chinese name of an item, case, fee,
result, department's place or e-licence (``*_en``, from the catalog's ``name_en``), so
that an English app need not show Chinese: the assistant's own cases and entries, the
ratings, the cases taken in at a window, a case and its results, the catalog, the
proactive offers; and the OpenAPI schema documents each."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API, submitted
from tests.licences.support import FOOD, held, licensed
from tests.ratings.conftest import Finish, finish
from tests.regions.test_cross_region import _received_in_siming
from tests.web.support import SignedIn, sign_in

__all__ = ["finish"]  # the ratings' fixture: a completed case of zhangsan's

ITEM = "3501-RS-003"
ITEM_ZH, ITEM_EN = "失业登记", "Unemployment registration"
RESULT_EN = "Unemployment registration certificate"


def test_the_assistant_gives_english_names_of_own_cases_items_fees_and_places(
    client: TestClient, as_user: Any
) -> None:
    person = as_user("zhangsan")
    number = submitted(client, person, ITEM)["number"]
    own = client.get(f"{API}/assistant", params={"q": "我的失业登记办到哪了"}, headers=person)
    assert [(c["number"], c["title"], c["title_en"]) for c in own.json()["cases"]] == [
        (number, ITEM_ZH, ITEM_EN)
    ]
    entry = client.get(f"{API}/assistant", params={"q": "不动产登记要交多少钱"}).json()
    first = entry["entries"][0]
    assert first["name_en"] and first["items"][0]["name_en"]
    fee = first["items"][0]["fees"][0]
    assert (fee["name"], fee["name_en"]) == (
        "不动产登记费(住宅)",
        "Real estate registration fee (residential)",
    )
    assert first["items"][0]["window_en"].startswith("Real Estate Registration Window")


def test_a_rating_names_its_case_in_english(
    client: TestClient, as_user: Any, finish: Finish
) -> None:
    number = finish()
    rated = client.post(
        f"{API}/cases/{number}/rating", json={"score": 5}, headers=as_user("zhangsan")
    )
    assert rated.status_code == 201, rated.text
    assert (rated.json()["case_title"], rated.json()["case_title_en"]) == (ITEM_ZH, ITEM_EN)


def test_cases_taken_in_at_a_window_are_named_in_english(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = _received_in_siming(signed_in)
    [row] = client.get(f"{API}/window/taken-in", headers=as_user("sm-clerk")).json()
    assert (row["number"], row["title"], row["title_en"]) == (number, ITEM_ZH, ITEM_EN)


def test_a_case_and_its_results_are_named_in_english(
    client: TestClient, as_user: Any, finish: Finish, signed_in: SignedIn
) -> None:
    number = finish()
    person = as_user("zhangsan")
    case = client.get(f"{API}/cases/{number}", headers=person).json()
    assert (case["title"], case["title_en"]) == (ITEM_ZH, ITEM_EN)
    results = client.get(f"{API}/cases/{number}/results", headers=person).json()
    assert [(r["title"], r["title_en"]) for r in results] == [("失业登记凭证", RESULT_EN)]
    page = signed_in("zhangsan")
    page.cookies.set("tongban_lang", "en")
    results_part = page.get(f"/cases/{number}").text.split('id="results-title"')[1]
    assert RESULT_EN in results_part and "失业登记凭证" not in results_part


def test_the_catalog_names_entries_fees_and_places_in_english(client: TestClient) -> None:
    listed = {e["code"]: e for e in client.get(f"{API}/items").json()}
    assert listed[ITEM]["name_en"] == ITEM_EN
    item = client.get(f"{API}/items/3501-ZRZY-001").json()
    assert item["fees"][0]["name_en"] == "Real estate registration fee (residential)"
    assert item["fees"][0]["basis_en"].startswith("Notice of the NDRC")
    departments = {d["code"]: d for d in client.get(f"{API}/departments").json()}
    assert departments["SW"]["window_en"].startswith("Taxation Window, 2nd floor")


def test_the_openapi_schema_documents_the_english_names(client: TestClient) -> None:
    schemas = client.get(f"{API}/openapi.json").json()["components"]["schemas"]
    documented = {
        "TakenInRead": "title_en",
        "RatingRead": "case_title_en",
        "AnswerCase": "title_en",
        "AnswerFee": "name_en",
        "AnswerItem": "window_en",
        "CaseRead": "title_en",
        "ResultRead": "title_en",
        "EntrySummary": "name_en",
        "FeeRead": "basis_en",
        "FeeLineRead": "name_en",
        "DepartmentRead": "window_en",
        "LicenceRead": "name_en",
        "OfferRead": "item_name_en",
        "PolicyRead": "name_en",
    }
    for schema, field in documented.items():
        assert schemas[schema]["properties"][field].get("description"), (schema, field)


def test_an_e_licence_is_named_in_english_in_the_api_and_on_english_pages(
    client: TestClient, as_user: Any
) -> None:
    result = licensed(client, as_user, FOOD)
    licence = held(client, as_user("minfeng"), result["number"])
    assert (licence["name"], licence["name_en"]) == ("食品经营许可证", "Food business licence")
    sign_in(client, "minfeng")
    client.cookies.set("tongban_lang", "en")
    for page in (
        client.get("/my/licences").text,
        client.get(f"/licences/{licence['id']}").text,
        client.get("/licences/verify", params={"q": licence["identifier"]}).text,
    ):
        assert "Food business licence" in page and "食品经营许可证" not in page


PERSON_FIELD = re.compile(r"^(actor|actor_name|expert|\w+_by)$")
"""A field naming who did something: the actor, the expert, who checked, decided,
issued … it (``*_by``)."""


def _properties(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object schema's properties, nested ones included."""
    if isinstance(node, dict):
        if isinstance(node.get("properties"), dict):
            yield node.get("title", "?"), node["properties"]
        for value in node.values():
            yield from _properties(value)
    elif isinstance(node, list):
        for value in node:
            yield from _properties(value)


def _is_text(prop: dict[str, Any]) -> bool:
    kinds = [prop.get("type")] + [choice.get("type") for choice in prop.get("anyOf", [])]
    return "string" in kinds


def test_every_field_naming_who_acted_has_its_english_documented(client: TestClient) -> None:
    """An English app reads "System" where the platform acted (系统（自动协查）…): each
    text field naming who did something has a documented ``*_en`` sibling."""
    spec = client.get(f"{API}/openapi.json").json()
    named = {
        (schema, field): bool(props.get(f"{field}_en", {}).get("description"))
        for schema, props in _properties(spec)
        for field, prop in props.items()
        if PERSON_FIELD.match(field) and _is_text(prop)
    }
    assert len(named) >= 15  # the walk finds them: the actor_name of tasks, checked_by …
    assert [name for name, documented in named.items() if not documented] == []
