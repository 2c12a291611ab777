"""最低生活保障审核确认 (3501-MZ-001) where the law puts it (《社会救助暂行办法》第十一条):
the street office (街道办事处) of the applicant's household registration accepts, visits
the home with two inspectors drawn at random and gives the initial opinion shown for 7 days
(``tests/notices``); the civil affairs bureau of its district decides and issues the result.
Nobody of another street office sees the case."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, account_of, act, draft, open_task, run_worker
from tests.inspection.support import pass_required_inspection
from tests.licences.support import finish
from tongban.accounts.models import User
from tongban.cases.models import Case, Task
from tongban.identifiers import validate_credit_code
from tongban.inspection.models import Inspection

DIBAO = "3501-MZ-001"


def _submitted(client: TestClient, applicant: dict[str, str], place: str) -> str:
    """A 低保 application naming ``place`` as the household's township, submitted."""
    case = draft(client, applicant, DIBAO)
    number = str(case["number"])
    body = {"form_data": {**case["form_data"], "household_township": place}}
    saved = client.patch(f"{API}/cases/{number}", json=body, headers=applicant)
    assert saved.status_code == 200, saved.text
    submitted = client.post(f"{API}/cases/{number}/submit", headers=applicant)
    assert submitted.status_code == 200, submitted.text
    return number


def _queue(client: TestClient, headers: dict[str, str], number: str) -> list[str]:
    tasks = client.get(f"{API}/tasks", headers=headers).json()
    return [task["stage"] for task in tasks if task["case_number"] == number]


def test_the_street_office_accepts_and_reviews_and_the_district_bureau_decides(
    client: TestClient, as_user: Any, db: Session, clock: Clock
) -> None:
    applicant, office = as_user("zhangsan"), as_user("gldj")
    number = _submitted(client, applicant, "鼓楼区东街街道")
    assert _queue(client, office, number) == ["accept"]
    for other in ("mz", "glmz-hz", "glwq", "cscq"):
        assert _queue(client, as_user(other), number) == [], other
    assert act(client, office, open_task(client, office, number, "accept"), "accept").is_success
    task = open_task(client, office, number, "review")
    early = act(client, office, task, "review", outcome="approved", opinion="符合条件")
    assert early.status_code == 409, early.text  # no home visit yet

    review = db.get_one(Task, task["id"])
    pass_required_inspection(db, review, account_of(db, "gldj"), clock.advance(hours=1))
    db.commit()
    visit = db.query(Inspection).filter_by(case_id=review.case_id).one()
    drawn = {
        db.get_one(User, visit.first_inspector_id),
        db.get_one(User, visit.second_inspector_id),
    }
    assert {(person.username, person.department_code) for person in drawn} == {
        ("ruhu1", "GLDJ"),
        ("ruhu2", "GLDJ"),
    }
    approved = act(client, office, task, "review", outcome="approved", opinion="符合条件")
    assert approved.is_success, approved.text
    assert _queue(client, as_user("glmz-hz"), number) == ["decide"]
    assert _queue(client, as_user("csmz-hz"), number) == []

    clock.advance(days=8)  # the 7-day public notice (公示) before the decision ends
    run_worker(client)
    finish(client, as_user("glmz-hz"), as_user("glmz"), number=number)
    case = db.query(Case).filter_by(number=number).one()
    db.refresh(case)
    assert (case.state, case.lead_department) == ("completed", "GLMZ")
    assert [(t.stage, t.department_code) for t in case.tasks][:3] == [
        ("accept", "GLDJ"),
        ("review", "GLDJ"),
        ("decide", "GLMZ"),
    ]
    licence = next(
        item
        for item in client.get(f"{API}/licences", headers=applicant).json()
        if item["name"] == "最低生活保障审核确认通知书"
    )
    assert licence["issuer_name"] == "福州市鼓楼区民政局"
    assert licence["issuer_code"][:2] == "11"  # a 机关
    validate_credit_code(licence["issuer_code"])


def test_another_street_office_neither_sees_nor_acts_on_the_case(
    client: TestClient, as_user: Any
) -> None:
    number = _submitted(client, as_user("zhangsan"), "鼓楼区温泉街道")
    office = as_user("glwq")
    assert _queue(client, office, number) == ["accept"]
    task = open_task(client, office, number, "accept")
    for other in ("gldj", "cscq", "csmz-hz"):
        headers = as_user(other)
        assert client.get(f"{API}/cases/{number}", headers=headers).status_code == 404, other
        assert client.get(f"{API}/tasks/{task['id']}", headers=headers).status_code == 404
        assert act(client, headers, task, "accept").status_code == 404, other
    assert client.get(f"{API}/cases/{number}", headers=office).status_code == 200
    assert client.get(f"{API}/cases/{number}", headers=as_user("glmz-hz")).status_code == 200
