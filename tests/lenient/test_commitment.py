"""Commitment approval (告知承诺制) end to end through the API: approved at acceptance on
the signed commitment, a post-approval check scheduled with its owner and due date; a
failed check revokes the licence (verification says so, the holder is told), a passed one
leaves it; an overdue check is listed and noted once; a bad credit record keeps the
applicant to the ordinary review, with the reason shown."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task, opinions_en, submitted
from tests.lenient.support import FOOD, MINFENG_CREDIT, credit_record, tasks_of, timeline_actions
from tests.licences.support import held
from tests.web.support import sign_in
from tongban.lenient.commitment import APPROVED_ON_COMMITMENT
from tongban.outbox.models import OutboxMessage
from tongban.worker import run_once


def _accepted(client: TestClient, as_user: Any) -> str:
    number = str(submitted(client, as_user("minfeng"), FOOD)["number"])
    task = open_task(client, as_user("scjg"), number, "accept")
    response = act(client, as_user("scjg"), task, "accept", opinion="予以受理")
    assert response.status_code == 200, response.text
    return number


def _licensed(client: TestClient, as_user: Any) -> tuple[str, dict[str, Any]]:
    number = _accepted(client, as_user)
    task = open_task(client, as_user("scjg"), number, "issue")
    assert act(client, as_user("scjg"), task, "issue").status_code == 200
    results = client.get(f"{API}/cases/{number}/results", headers=as_user("minfeng")).json()
    return number, next(r for r in results if r["kind"] == "licence")


def test_commitment_case_is_approved_at_acceptance_and_a_check_is_scheduled(
    client: TestClient, as_user: Any
) -> None:
    number = _accepted(client, as_user)
    case = client.get(f"{API}/cases/{number}", headers=as_user("minfeng")).json()
    assert case["state"] == "issuing"  # no reviewer, no approver: decided on the commitment
    assert [t["stage"] for t in tasks_of(client, as_user("scjg"), number)] == ["issue"]
    actions = timeline_actions(client, as_user("scjg"), number)
    assert "case.commitment_granted" in actions and "post_check.scheduled" in actions

    checks = client.get(f"{API}/post-checks", headers=as_user("scjg")).json()
    check = next(c for c in checks if c["case_number"] == number)
    assert check["department_code"] == "SCJG" and check["limit_days"] == 60
    assert check["state"] == "scheduled" and check["overdue"] is False
    assert check["due_label"] == "2025-12-19"  # 60 working days on: 国庆 off, 9-28 and 10-11 worked
    assert "经营场所" in check["scope"]
    assert client.get(f"{API}/post-checks", headers=as_user("ga")).json() == []  # not theirs


def test_a_failed_post_check_revokes_the_licence_and_tells_the_holder(
    client: TestClient, as_user: Any, runtime: Any
) -> None:
    number, licence = _licensed(client, as_user)
    assert (
        client.get(f"{API}/licences/verify", params={"q": licence["number"]}).json()["verdict"]
        == "valid"
    )
    check = client.get(f"{API}/post-checks", headers=as_user("scjg")).json()[0]

    body = {"passed": False, "finding": "经营场所无冷藏设施，与承诺不符"}
    denied = client.post(
        f"{API}/post-checks/{check['id']}/result", json=body, headers=as_user("ga")
    )
    assert denied.status_code == 404  # another department does not see it
    watching = client.post(
        f"{API}/post-checks/{check['id']}/result", json=body, headers=as_user("supervisor")
    )
    assert watching.status_code == 403  # 电子监察 sees it, but checking is not its to do
    done = client.post(
        f"{API}/post-checks/{check['id']}/result", json=body, headers=as_user("scjg")
    )
    assert done.status_code == 200, done.text
    assert done.json()["state"] == "failed" and done.json()["checked_by"] == "市场监管审查员"
    again = client.post(
        f"{API}/post-checks/{check['id']}/result", json=body, headers=as_user("scjg")
    )
    assert again.status_code == 409

    verdict = client.get(f"{API}/licences/verify", params={"q": licence["number"]}).json()
    assert verdict["verdict"] == "revoked"
    page = client.get("/licences/verify", params={"q": licence["number"]})
    assert "已撤销" in page.text and "经营场所无冷藏设施" in page.text
    assert "已吊销" not in page.text  # a false commitment revokes the grant; not a penalty
    assert "licence.revoked" in timeline_actions(client, as_user("scjg"), number)
    assert opinions_en(client, as_user("scjg"), number)["licence.revoked"].startswith(
        "The post-approval check of the commitment failed: 经营场所无冷藏设施，与承诺不符. "
    )  # the finding as typed, the platform's words around it in English
    own = held(client, as_user("minfeng"), licence["number"])
    sign_in(client, "minfeng")
    page = client.get(f"/licences/{own['id']}", params={"lang": "en"}).text
    assert "The post-approval check of the commitment failed" in page and "承诺不实" not in page
    with runtime.sessions() as session:
        topics = session.scalars(select(OutboxMessage.topic)).all()
    assert "post_check_failed" in topics and "licence_status_changed" in topics
    assert client.get(f"{API}/post-checks", headers=as_user("scjg")).json() == []


def test_a_passed_post_check_leaves_the_licence_valid(client: TestClient, as_user: Any) -> None:
    _number, licence = _licensed(client, as_user)
    check = client.get(f"{API}/post-checks", headers=as_user("scjg")).json()[0]
    body = {"passed": True, "finding": "现场核查与承诺一致"}
    done = client.post(
        f"{API}/post-checks/{check['id']}/result", json=body, headers=as_user("scjg")
    )
    assert done.status_code == 200 and done.json()["state"] == "passed"
    verdict = client.get(f"{API}/licences/verify", params={"q": licence["number"]}).json()
    assert verdict["verdict"] == "valid"


def test_an_overdue_check_is_listed_and_noted_once(
    client: TestClient, as_user: Any, clock: Clock, runtime: Any
) -> None:
    number = _accepted(client, as_user)
    assert run_once(runtime)["post_checks_overdue"] == []
    clock.advance(days=100)
    assert run_once(runtime)["post_checks_overdue"] == [number]
    assert run_once(runtime)["post_checks_overdue"] == []  # idempotent
    check = client.get(f"{API}/post-checks", headers=as_user("scjg")).json()[0]
    assert check["overdue"] is True
    page = client.get("/staff", headers=as_user("scjg"))
    assert "待事后核查" in page.text and "逾期" in page.text


def test_a_bad_credit_record_keeps_the_ordinary_review_with_the_reason(
    client: TestClient, as_user: Any, db: Session
) -> None:
    credit_record(db, MINFENG_CREDIT, rating="A", dishonest=True)
    number = _accepted(client, as_user)
    case = client.get(f"{API}/cases/{number}", headers=as_user("minfeng")).json()
    assert case["state"] == "in_review"  # a person reviews what the commitment would have
    standing = client.get(f"{API}/cases/{number}/lenient", headers=as_user("minfeng")).json()
    assert standing["eligible"] is False and standing["commitment"] == "refused"
    assert "严重失信" in standing["refusal"]
    assert "不适用告知承诺制" in client.get(f"/cases/{number}", headers=as_user("minfeng")).text
    for stage, action, body in (
        ("review", "review", {"outcome": "approved", "opinion": "经审查符合条件"}),
        ("decide", "approve", {"opinion": "准予许可"}),
    ):
        staff = as_user("scjg-hz" if stage == "decide" else "scjg")  # reviewer ≠ approver
        task = open_task(client, staff, number, stage)
        assert act(client, staff, task, action, **body).status_code == 200
    assert client.get(f"{API}/post-checks", headers=as_user("scjg")).json() == []


def test_a_good_credit_record_takes_the_commitment_path(
    client: TestClient, as_user: Any, db: Session
) -> None:
    credit_record(db, MINFENG_CREDIT, rating="A", dishonest=False)
    number = _accepted(client, as_user)
    standing = client.get(f"{API}/cases/{number}/lenient", headers=as_user("minfeng")).json()
    assert standing["eligible"] is True and standing["commitment"] == "granted"
    # English pages showed the system's opinions in Chinese ("告知承诺：…")
    events = client.get(f"{API}/cases/{number}/timeline", headers=as_user("minfeng")).json()
    english = {e["opinion"]: e["opinion_en"] for e in events["events"] if e["opinion"]}
    assert english["适用告知承诺制。"] == "Commitment approval applies."
    assert english[APPROVED_ON_COMMITMENT].startswith("Commitment approval: the applicant")


def test_a_c_rating_refuses_too(client: TestClient, as_user: Any, db: Session) -> None:
    credit_record(db, MINFENG_CREDIT, rating="C", dishonest=False)
    number = _accepted(client, as_user)
    standing = client.get(f"{API}/cases/{number}/lenient", headers=as_user("scjg")).json()
    assert standing["commitment"] == "refused" and "C级" in standing["refusal"]


def test_the_restaurant_bundle_reviews_only_its_ordinary_item(
    client: TestClient, as_user: Any
) -> None:
    """我要开餐馆: the food licence (commitment) is approved on the commitment at
    acceptance, the business licence (ordinary) is still reviewed; the approver decides,
    and the post-check concerns the food licence only."""
    number = str(submitted(client, as_user("minfeng"), "3501-BUNDLE-KCG")["number"])
    scjg = as_user("scjg")
    assert act(client, scjg, open_task(client, scjg, number, "accept"), "accept").status_code == 200
    reviews = [t for t in tasks_of(client, scjg, number) if t["stage"] == "review"]
    assert [t["item_code"] for t in reviews] == ["3501-SCJG-001"]
    body = {"outcome": "approved", "opinion": "符合设立登记条件"}
    assert act(client, scjg, reviews[0], "review", **body).status_code == 200
    assert client.get(f"{API}/post-checks", headers=scjg).json() == []  # not decided yet
    approver = as_user("scjg-hz")  # reviewer ≠ approver
    decide = open_task(client, approver, number, "decide")
    assert act(client, approver, decide, "approve", opinion="准予许可").status_code == 200
    checks = client.get(f"{API}/post-checks", headers=scjg).json()
    assert [(c["case_number"], c["item_code"]) for c in checks] == [(number, FOOD)]
    # the applicant is told of the check too (the API answered "checks": [] for them)
    mine = client.get(f"{API}/cases/{number}/lenient", headers=as_user("minfeng")).json()
    [check] = mine["checks"]
    assert (check["item_code"], check["state"], check["checked_by"]) == (FOOD, "scheduled", None)
    assert check["due_label"] and "现场核查" in check["scope"]
    page = client.get(f"/cases/{number}", headers=as_user("minfeng")).text
    assert check["due_label"] in page and "/staff/post-checks/" not in page
