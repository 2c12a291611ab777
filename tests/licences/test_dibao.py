"""最低生活保障审核确认 (3501-MZ-001) as 民发〔2021〕57号 has it: a home visit (入户调查) by
two civil affairs staff drawn at random before the review approves, and the decision issued
by the civil affairs bureau of the applicant's home county or district, not the city's,
after the 7-day public notice (``tests/notices``)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task, run_worker, submitted
from tests.inspection.support import pass_required_inspection
from tests.licences.support import finish
from tongban.accounts import service as accounts
from tongban.accounts.models import User
from tongban.cases.models import Task
from tongban.identifiers import validate_credit_code
from tongban.inspection.models import Inspection

DIBAO = "3501-MZ-001"


def _user(db: Session, username: str) -> User:
    found = accounts.find_user(db, username=username)
    assert found is not None
    return found


def test_dibao_needs_a_home_visit_and_is_decided_by_the_district_bureau(
    client: TestClient, as_user: Any, db: Session, clock: Clock
) -> None:
    applicant, staff = as_user("zhangsan"), as_user("mz")
    number = submitted(client, applicant, DIBAO)["number"]
    assert act(client, staff, open_task(client, staff, number, "accept"), "accept").is_success
    task = open_task(client, staff, number, "review")
    refused = act(client, staff, task, "review", outcome="approved", opinion="符合条件")
    assert refused.status_code == 409, refused.text  # no home visit yet

    review = db.get_one(Task, task["id"])
    pass_required_inspection(db, review, _user(db, "mz"), clock.advance(hours=1))
    db.commit()
    visit = db.query(Inspection).filter_by(case_id=review.case_id).one()
    drawn = {
        db.get_one(User, visit.first_inspector_id),
        db.get_one(User, visit.second_inspector_id),
    }
    assert {person.username for person in drawn} == {"ruhu1", "ruhu2"}

    approved = act(client, staff, task, "review", outcome="approved", opinion="符合条件")
    assert approved.is_success, approved.text
    clock.advance(days=8)  # the 7-day public notice (公示) before the decision ends
    run_worker(client)
    finish(client, staff, as_user("mz-hz"), number=number)
    district = client.get(f"{API}/cases/{number}", headers=applicant).json()["form_data"][
        "fuzhou_district"
    ]
    licence = next(
        item
        for item in client.get(f"{API}/licences", headers=applicant).json()
        if item["name"] == "最低生活保障审核确认通知书"
    )
    assert licence["issuer_name"] == f"{district}民政局" != "福州市民政局"
    assert licence["issuer_code"][:2] == "11"  # a 机关
    validate_credit_code(licence["issuer_code"])
