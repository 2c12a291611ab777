"""The assistant's JSON API (GET /api/v1/assistant): the same replies as the answer page,
built from the catalog; follow-ups, situations, own cases only, plain 422 for a bad
question, and an unanswered question kept for the administrators."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import API, submitted
from tongban.assistant.models import UnansweredQuestion


def _ask(client: TestClient, headers: dict[str, str] | None = None, **query: str) -> Any:
    response = client.get(f"{API}/assistant", params=query, headers=headers or {})
    assert response.status_code == 200, response.text
    return response.json()


def test_a_question_is_answered_with_the_catalog_fields(client: TestClient) -> None:
    reply = _ask(client, q="开饭店要办什么证")
    assert reply["kind"] == "entries" and reply["about"] == "3501-BUNDLE-KCG"
    first = reply["entries"][0]
    assert first["kind"] == "bundle" and first["name"] == "我要开餐馆"
    assert first["guide_url"] == "/bundles/3501-BUNDLE-KCG"
    assert first["apply_url"] == "/apply/3501-BUNDLE-KCG"
    assert "公司章程" in first["materials"]
    assert {item["code"] for item in first["items"]} == {"3501-SCJG-001", "3501-SCJG-002"}
    assert all(fee["amount"].count(".") == 1 for i in first["items"] for fee in i["fees"])


def test_a_follow_up_keeps_the_entry(client: TestClient) -> None:
    first = _ask(client, q="孩子出生了要办哪些手续")
    more = _ask(client, q="那要带什么材料？", about=first["about"])
    assert more["follow_up"] and more["aspect"] == "materials"
    assert more["entries"][0]["code"] == first["about"]


def test_unanswered_and_bad_questions(client: TestClient, db: Session) -> None:
    reply = _ask(client, q="火星移民签证")
    assert reply["kind"] == "unanswered" and reply["entries"] == [] and reply["hotline"]
    kept = db.query(UnansweredQuestion).all()  # kept as the page keeps it
    assert [row.question for row in kept] == ["火星移民签证"]
    refused = client.get(f"{API}/assistant", params={"q": "x" * 201})
    assert refused.status_code == 422 and "200" in refused.text


def test_own_cases_only_for_the_signed_in_owner(client: TestClient, as_user: Any) -> None:
    owner = as_user("zhangsan")
    number = submitted(client, owner, "3501-WJW-002")["number"]
    assert _ask(client, q="我的申请办到哪了")["kind"] == "sign_in"
    mine = _ask(client, owner, q="我的申请办到哪了")
    assert mine["kind"] == "own_cases" and number in {c["number"] for c in mine["cases"]}
    other = _ask(client, as_user("lisi"), q="我的申请办到哪了")
    assert number not in {c["number"] for c in other["cases"]}


def test_a_case_number_none_of_the_askers_cases_has_is_flagged(
    client: TestClient, as_user: Any
) -> None:
    """The reply said nothing of a number that is not the asker's: an app could not tell
    "not yours (or no such case)" from "you have no cases"."""
    owner, other = as_user("zhangsan"), as_user("lisi")
    mine = submitted(client, owner, "3501-WJW-002")["number"]
    theirs = submitted(client, other, "3501-WJW-002")["number"]
    found = _ask(client, owner, q=f"{mine}办到哪了")
    assert found["kind"] == "own_cases" and not found["unknown_number"]
    assert [case["number"] for case in found["cases"]] == [mine]
    refused = _ask(client, owner, q=f"{theirs}办到哪了")
    assert refused["kind"] == "own_cases" and refused["unknown_number"]
    assert refused["cases"] == [] and refused["entries"] == []
    assert not _ask(client, owner, q="我的申请办到哪了")["unknown_number"]


def test_english_names_of_materials_and_an_english_faq(client: TestClient) -> None:
    """Trial 17: the API gave only the Chinese material names, and "I lost my ID card"
    missed the FAQ whose English is "I lost my identity card. What do I do?"."""
    first = _ask(client, q="开饭店要办什么证")["entries"][0]
    assert len(first["materials_en"]) == len(first["materials"])
    assert "Articles of association" in " ".join(filter(None, first["materials_en"]))
    lost = _ask(client, q="I lost my ID card")
    assert lost["entries"][0]["code"] == "3501-GA-003"
    assert any("identity card" in (faq["q_en"] or "") for faq in lost["entries"][0]["faq"])
