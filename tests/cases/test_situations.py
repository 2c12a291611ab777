"""Situations (情形引导): the answers given before the form decide the case's materials,
form and departments, and the submission checks only what they require."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API, act, entry, open_task, sign, upload
from tests.web.support import sign_in
from tongban.catalog.definitions import bundle_time_limit
from tongban.demo.samples import fill_form

KCG = "3501-BUNDLE-KCG"
QYKB = "3501-BUNDLE-QYKB"
HELD_LICENCE = {"licence": "held", "operator": "company", "premises": "leased", "agent": "self"}
ONLY_REGISTRATION = {
    "premises": "owned",
    "agent": "self",
    "seal": "later",
    "invoice": "later",
    "staff": "later",
}


def _guide(client: TestClient, code: str, answers: dict[str, str]) -> Any:
    params = {f"s_{question}": option for question, option in answers.items()}
    return client.get(f"{API}/bundles/{code}", params=params)


def _create(client: TestClient, headers: dict[str, str], code: str, answers: Any) -> Any:
    """A draft with every field of the form the answers leave (the full one without)."""
    spec = entry(client, code, answers)
    body = {"code": code, "form_data": fill_form(spec["form"])}
    if answers is not None:
        body["situations"] = answers
    return client.post(f"{API}/cases", json=body, headers=headers)


def _ways(client: TestClient, headers: dict[str, str], number: str) -> list[dict[str, Any]]:
    response = client.get(f"{API}/cases/{number}/material-ways", headers=headers)
    assert response.status_code == 200, response.text
    return list(response.json())


def _provide_required(client: TestClient, headers: dict[str, str], number: str) -> list[str]:
    """Sign or upload every required material the case asks for; the codes provided."""
    provided = []
    for way in _ways(client, headers, number):
        if not way["required"] or way["way"] is not None:
            continue
        if "signed" in way["ways"]:
            sign(client, headers, number, way["code"])
        else:
            assert upload(client, headers, number, way["code"]).status_code == 201
        provided.append(way["code"])
    return provided


def test_answers_leave_out_the_licence_item_its_materials_and_its_form(
    client: TestClient, as_user: Any
) -> None:
    applicant = as_user("minfeng")
    full = _create(client, applicant, KCG, None).json()
    tailored = _create(client, applicant, KCG, HELD_LICENCE)
    assert tailored.status_code == 201, tailored.text
    case = tailored.json()

    asked = {way["code"] for way in _ways(client, applicant, case["number"])}
    listed = {way["code"] for way in _ways(client, applicant, full["number"])}
    assert {"ARTICLES", "OFFICER_APPOINTMENT", "AGENT_AUTH", "PREMISES_PROOF"} <= listed - asked
    assert "FOOD_LAYOUT" in asked and "LEASE_CONTRACT" not in asked  # lease: SCJG-001's only
    assert "enterprise_type" in full["form_data"] and "enterprise_type" not in case["form_data"]
    assert case["situation_answers"] == HELD_LICENCE
    guide = _guide(client, KCG, HELD_LICENCE).json()
    assert [item["code"] for item in guide["definition"]["items"]] == ["3501-SCJG-002"]
    assert {m["code"] for m in guide["definition"]["materials"]} == asked
    assert (case["materials_asked"], case["materials_listed"]) == (len(asked), len(listed))
    assert full["materials_asked"] is None  # no answers: nothing to count


def test_submission_checks_only_what_the_answers_require(client: TestClient, as_user: Any) -> None:
    applicant = as_user("minfeng")
    number = _create(client, applicant, KCG, HELD_LICENCE).json()["number"]
    provided = _provide_required(client, applicant, number)
    assert "ARTICLES" not in provided

    response = client.post(f"{API}/cases/{number}/submit", headers=applicant)

    assert response.status_code == 200, response.text
    assert response.json()["state"] == "submitted"


def test_without_answers_the_full_list_is_still_required(client: TestClient, as_user: Any) -> None:
    applicant = as_user("minfeng")
    number = _create(client, applicant, KCG, None).json()["number"]
    for code in ("COMMITMENT_LETTER",):
        sign(client, applicant, number, code)
    for code in ("FOOD_LAYOUT", "FOOD_SAFETY_RULES"):
        assert upload(client, applicant, number, code).status_code == 201

    response = client.post(f"{API}/cases/{number}/submit", headers=applicant)

    assert response.status_code == 422
    assert "ARTICLES" in response.text


def test_the_bundle_fans_out_only_to_the_departments_of_the_items_that_apply(
    client: TestClient, as_user: Any
) -> None:
    applicant = as_user("minfeng")
    case = _create(client, applicant, QYKB, ONLY_REGISTRATION).json()
    number = case["number"]
    assert case["joint"] is False
    _provide_required(client, applicant, number)
    assert client.post(f"{API}/cases/{number}/submit", headers=applicant).status_code == 200
    task = open_task(client, as_user("clerk"), number, "accept")
    assert act(client, as_user("clerk"), task, "accept", opinion="予以受理").status_code == 200

    reviewing = {
        username
        for username in ("scjg", "ga", "sw", "rs", "gjj")
        for task in client.get(f"{API}/tasks", headers=as_user(username)).json()
        if task["case_number"] == number and task["stage"] == "review"
    }
    assert reviewing == {"scjg"}
    read = client.get(f"{API}/cases/{number}", headers=applicant).json()
    assert read["legal_time_left"]["unit"] == "working_days"  # 设立登记: 3 个工作日, not 社保's 15
    assert read["legal_time_left"]["limit"] == 3
    assert (read["time_left"]["unit"], read["time_left"]["limit"]) == ("minutes", 120)  # 2 小时


def test_a_bundle_limit_adds_up_along_its_order_and_takes_the_longest_in_parallel() -> None:
    """企业注销: 注销登记 (3) waits for 清税 (20), 社保注销 (15) runs beside them: 23."""

    def item(code: str, legal: int, promised: int) -> dict[str, Any]:
        return {
            "code": code,
            "time_limit": {"unit": "working_days", "legal": legal, "promised": promised},
        }

    items = [item("SCJG", 3, 1), item("SW", 20, 2), item("RS", 15, 1)]
    declared = {"unit": "working_days", "promised": 3}
    limit = bundle_time_limit(declared, items, {"SCJG": ["SW"]})
    assert (limit["legal"], limit["promised"]) == (23, 3)
    assert bundle_time_limit(declared, items, {})["legal"] == 20
    alone = bundle_time_limit(declared, items[2:], {"SCJG": ["SW"]})
    assert (alone["legal"], alone["promised"]) == (15, 1)


def test_an_unanswered_question_or_unknown_option_is_refused_and_named(
    client: TestClient, as_user: Any
) -> None:
    applicant = as_user("minfeng")
    partial = {key: value for key, value in ONLY_REGISTRATION.items() if key != "seal"}
    assert _guide(client, QYKB, partial).status_code == 422

    form = fill_form(entry(client, QYKB)["form"])

    def create(answers: dict[str, str]) -> Any:
        body = {"code": QYKB, "form_data": form, "situations": answers}
        return client.post(f"{API}/cases", json=body, headers=applicant)

    missing = create(partial)
    wrong = create({**ONLY_REGISTRATION, "seal": "maybe"})
    unknown = create({**ONLY_REGISTRATION, "colour": "red"})

    for response in (missing, wrong, unknown):
        assert response.status_code == 422, response.text
    assert "是否现在一并刻制公章" in missing.json()["error"]["message"]
    assert "colour" in unknown.json()["error"]["message"]
    assert client.get(f"{API}/cases", headers=applicant).json() == []  # nothing was created
    several = create({"premises": "leased", "colour": "red"})  # one unknown, four unanswered
    named = {problem["field"] for problem in several.json()["error"]["details"]}
    assert named == {f"situations.{code}" for code in ("colour", *ONLY_REGISTRATION)} - {
        "situations.premises"
    }  # every problem at once (一次性告知), not the first


def test_the_chosen_situation_shows_on_the_review_case_and_task_pages(
    client: TestClient, as_user: Any
) -> None:
    """The answers are said as question and answer, in the page's language, wherever the
    case is looked at: before submitting, by the applicant, and by the clerk."""
    applicant = as_user("minfeng")
    number = _create(client, applicant, QYKB, ONLY_REGISTRATION).json()["number"]
    _provide_required(client, applicant, number)

    def page(username: str, url: str) -> str:
        sign_in(client, username)
        text = client.get(url).text
        client.cookies.clear()
        return text

    review = page("minfeng", f"/cases/{number}/review")
    assert "是否现在一并刻制公章?" in review and "暂不办理,30日内另行申请" in review
    assert "自有房产" in review
    assert client.post(f"{API}/cases/{number}/submit", headers=applicant).status_code == 200
    task = open_task(client, as_user("clerk"), number, "accept")
    assert "公司住所(经营场所)是自有房产还是租赁的?" in page("minfeng", f"/cases/{number}")
    english = page("clerk", f"/staff/tasks/{task['id']}?lang=en")
    assert "Have the company seals made now?" in english and "Not now" in english
