"""The place of a 低保 application (《社会救助暂行办法》第十一条: the street office of the
household's registration takes it): the chosen 街道 must lie in the 所属区 the form pulls
from the population register, and a place changed during a correction (补正) sends the
case to the street office of the new place."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import API, act, draft, open_task
from tests.web.support import csrf, sign_in
from tongban.cases.models import Case

DIBAO = "3501-MZ-001"
PLACE = "household_township"


def _save(client: TestClient, headers: dict[str, str], number: str, place: str) -> Any:
    form = client.get(f"{API}/cases/{number}", headers=headers).json()["form_data"]
    body = {"form_data": {**form, PLACE: place}}
    return client.patch(f"{API}/cases/{number}", json=body, headers=headers)


def test_a_street_outside_the_pulled_district_is_refused_on_saving_the_draft(
    client: TestClient, as_user: Any
) -> None:
    applicant = as_user("zhangsan")  # registered in 鼓楼区 (350102), pulled and locked
    number = str(draft(client, applicant, DIBAO)["number"])
    assert _save(client, applicant, number, "鼓楼区温泉街道").status_code == 200

    refused = _save(client, applicant, number, "仓山区仓前街道")
    assert refused.status_code == 422, refused.text
    error = refused.json()["error"]
    assert error["field"] == PLACE
    [detail] = error["details"]
    assert detail["message_zh"] == (
        "“户籍所在乡镇(街道)”仓山区仓前街道不在“所属区(县、市)”鼓楼区内；"
        "请在鼓楼区的户籍所在乡镇(街道)中选择：鼓楼区东街街道、鼓楼区温泉街道。"
    )
    kept = client.get(f"{API}/cases/{number}", headers=applicant).json()["form_data"]
    assert (kept[PLACE], kept["fuzhou_district"]) == ("鼓楼区温泉街道", "鼓楼区")


def _offered(page: str) -> list[str]:
    """The options of the place's select on a form page."""
    found = re.search(rf'<select[^>]*name="{PLACE}"[^>]*>(.*?)</select>', page, re.S)
    assert found is not None, page
    return [value for value in re.findall(r'<option value="([^"]*)"', found.group(1)) if value]


def test_the_draft_offers_only_the_streets_of_the_pulled_district(
    client: TestClient, as_user: Any
) -> None:
    """zhangsan's household is registered in 鼓楼区 (pulled, locked): the street choice
    lists 鼓楼区's two street offices, not 仓山区's; the server still refuses it (above)."""
    number = str(draft(client, as_user("zhangsan"), DIBAO)["number"])
    sign_in(client, "zhangsan")
    page = client.get(f"/cases/{number}/edit").text
    assert 'name="fuzhou_district"' in page and "鼓楼区" in page
    assert _offered(page) == ["鼓楼区东街街道", "鼓楼区温泉街道"]


def test_the_draft_page_names_the_street_beside_its_field_and_keeps_what_was_typed(
    client: TestClient, as_user: Any
) -> None:
    case = draft(client, as_user("zhangsan"), DIBAO)
    number = str(case["number"])
    sign_in(client, "zhangsan")
    page = client.get(f"/cases/{number}/edit")
    shown = {
        name: str(value) for name, value in case["form_data"].items() if name != "family_members"
    }
    form = {
        **shown,
        "csrf_token": csrf(page.text),
        "intent": "save",
        PLACE: "仓山区仓前街道",
        "hardship_reason": "家庭成员患重病，无固定收入",
    }
    refused = client.post(f"/cases/{number}/edit", data=form, follow_redirects=False)
    assert refused.status_code == 422, refused.text
    assert "仓山区仓前街道不在“所属区(县、市)”鼓楼区内" in refused.text
    assert "家庭成员患重病，无固定收入" in refused.text  # what was typed is shown again


def test_a_place_changed_in_the_correction_goes_to_the_new_street_office(
    client: TestClient, as_user: Any, db: Session
) -> None:
    applicant, first, second = as_user("zhangsan"), as_user("gldj"), as_user("glwq")
    number = str(draft(client, applicant, DIBAO)["number"])
    assert _save(client, applicant, number, "鼓楼区东街街道").status_code == 200
    assert client.post(f"{API}/cases/{number}/submit", headers=applicant).is_success
    problem = {"target": PLACE, "problem": "户籍登记在温泉街道，请改选户籍所在街道"}
    asked = act(client, first, open_task(client, first, number, "accept"), "correction",
                problems=[problem])  # fmt: skip
    assert asked.status_code == 201, asked.text

    assert _save(client, applicant, number, "鼓楼区温泉街道").status_code == 200
    resubmitted = client.post(f"{API}/cases/{number}/resubmit", headers=applicant)
    assert resubmitted.status_code == 200, resubmitted.text
    assert [t for t in client.get(f"{API}/tasks", headers=first).json()
            if t["case_number"] == number] == []  # fmt: skip
    task = open_task(client, second, number, "accept")
    assert act(client, second, task, "accept").is_success
    review = open_task(client, second, number, "review")
    assert review["department_code"] == "GLWQ"
    case = db.query(Case).filter_by(number=number).one()
    db.refresh(case)
    assert [(t.stage, t.department_code, t.state) for t in case.tasks] == [
        ("accept", "GLDJ", "cancelled"),
        ("accept", "GLWQ", "done"),
        ("review", "GLWQ", "open"),
    ]
