"""公示 before the 低保 decision (《最低生活保障审核确认办法》民发〔2021〕57号: the initial
opinion is shown for 7 days; objections are examined before the county bureau decides):
the decision waits for the notice, which ends by itself after 7 calendar days; the public
sees masked data only; anyone objects with a reason; every objection is examined by the
reviewers before the decision; a founded one sends the case back to the street office's
investigation and, once it approves again, to a second notice."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task, run_worker, submitted
from tests.inspection.support import pass_required_inspection
from tests.web.support import csrf, sign_in
from tongban.accounts import service as accounts
from tongban.audit.models import AuditEntry
from tongban.cases.models import Case, Task
from tongban.notices.models import Objection
from tongban.outbox.models import OutboxMessage
from tongban.privacy import retention

DIBAO = "3501-MZ-001"
SECRETS = ("张三", "350102196204180310")  # zhangsan's name and ID number
# opened on Monday 22 September 2025: 7 calendar days, the opening day not counted, end
# with Monday 29 September (a working day) at 24:00 in Fuzhou
ENDS = datetime(2025, 9, 29, 16, 0, tzinfo=UTC)
REASON = "申请人家中有一辆新购置的小汽车，与申报的家庭财产不符。"
CLOSED = "公示已终止：另一异议经核查成立，已重新组织调查核实。"


def _in_decision(client: TestClient, as_user: Any, db: Session, clock: Clock) -> str:
    """A 低保 case of zhangsan whose review (with its home visit) approved: the decision
    task is open at 民政局 and the notice runs."""
    applicant, staff = as_user("zhangsan"), as_user("gldj")
    number = str(submitted(client, applicant, DIBAO)["number"])
    assert act(client, staff, open_task(client, staff, number, "accept"), "accept").is_success
    task = open_task(client, staff, number, "review")
    reviewer = accounts.find_user(db, username="gldj")
    assert reviewer is not None
    pass_required_inspection(db, db.get_one(Task, task["id"]), reviewer, clock.now)
    db.commit()
    approved = act(client, staff, task, "review", outcome="approved", opinion="符合条件")
    assert approved.status_code == 200, approved.text
    return number


def _review_task(db: Session, number: str, *, first: bool = False) -> int:
    """The last (or first) review task of case ``number``: the street office's opinion."""
    query = select(Task.id).join(Case).where(Case.number == number, Task.stage == "review")
    return int(db.scalars(query.order_by(Task.id if first else Task.id.desc())).first() or 0)


def _decide(client: TestClient, as_user: Any, number: str, action: str = "approve") -> Any:
    approver = as_user("glmz-hz")
    opinion = "准予最低生活保障" if action == "approve" else "公示期间异议经核查成立"
    return act(
        client, approver, open_task(client, approver, number, "decide"), action, opinion=opinion
    )


def _withheld(answer: Any, words: str) -> None:
    assert answer.status_code == 409, answer.text
    assert answer.json()["error"]["code"] == "decision_withheld", answer.text
    assert words in answer.json()["error"]["message"], answer.text


def _end_notice(client: TestClient, clock: Clock) -> None:
    clock.now = ENDS + timedelta(minutes=1)
    assert any(job.startswith("notice.end") for job in run_worker(client))


def test_the_decision_waits_for_the_seven_day_notice_and_goes_on_after_it(
    client: TestClient, as_user: Any, db: Session, clock: Clock
) -> None:
    number = _in_decision(client, as_user, db, clock)
    form = client.get(f"{API}/cases/{number}", headers=as_user("zhangsan")).json()["form_data"]
    name, id_number = form["applicant_name"], form["applicant_id_number"]
    masked = name[0] + "*" * (len(name) - 1)
    shown = client.get(f"{API}/notices")
    assert [(n["name"], n["item_code"]) for n in shown.json()] == [(masked, DIBAO)], shown.text
    assert shown.json()[0]["ends_at"].startswith("2025-09-29T16:00")
    page = client.get("/public/notices")
    assert masked in page.text
    assert not any(s in page.text + shown.text for s in (*SECRETS, name, id_number))

    _withheld(_decide(client, as_user, number), "公示期")
    _withheld(_decide(client, as_user, number, "refuse"), "公示期")
    clock.now = ENDS - timedelta(minutes=1)
    run_worker(client)
    _withheld(_decide(client, as_user, number), "公示期")

    _end_notice(client, clock)
    assert client.get(f"{API}/notices").json() == []
    assert _decide(client, as_user, number).status_code == 200
    notices = client.get(f"{API}/cases/{number}/notices", headers=as_user("gldj")).json()
    assert [(n["state"], n["objections"]) for n in notices] == [("ended", [])]
    # the timeline's platform texts of the notice, in English too (left open in issue 15)
    events = client.get(f"{API}/cases/{number}/timeline", headers=as_user("zhangsan")).json()
    english = {e["action"]: e["opinion_en"] for e in events["events"]}
    assert english["notice.opened"].startswith("Public notice for 7 days, until ")
    assert english["notice.ended"] == "Public notice period over: 0 objections, 0 still to examine"


def _object(client: TestClient, reason: str = REASON, **headers: str) -> Any:
    notice = client.get(f"{API}/notices").json()[0]
    body = {"reason": reason, "contact": "13800000000"}
    return client.post(f"{API}/notices/{notice['id']}/objections", json=body, headers=headers)


def test_every_objection_is_examined_by_the_reviewers_before_the_decision(
    client: TestClient, as_user: Any, db: Session, clock: Clock
) -> None:
    number = _in_decision(client, as_user, db, clock)
    short = _object(client, "不符")
    assert short.status_code == 422 and "异议理由" in short.text, short.text
    filed = _object(client)  # no sign-in
    assert filed.status_code == 201, filed.text
    objection = filed.json()["id"]
    told = select(OutboxMessage.department_code).where(OutboxMessage.topic == "objection_received")
    assert db.scalars(told).all() == ["GLDJ"]  # the street office that reviewed is told

    _end_notice(client, clock)
    late = _object_to_ended(client, number, as_user)
    assert late.status_code == 409 and late.json()["error"]["code"] == "notice_ended"
    _withheld(_decide(client, as_user, number), "未核查")

    path = f"{API}/objections/{objection}/examination"
    body = {"founded": False, "finding": "经入户核查，该车辆登记在已分户的儿子名下。"}
    for username, status in (("glmz-hz", 403), ("zrzy", 404), ("zhangsan", 403)):
        answer = client.post(path, json=body, headers=as_user(username))
        assert answer.status_code == status, (username, answer.text)
    examined = client.post(path, json=body, headers=as_user("gldj"))
    assert examined.json()["state"] == "unfounded", examined.text
    again = client.post(path, json=body, headers=as_user("gldj"))
    assert again.status_code == 409, again.text
    assert _decide(client, as_user, number).status_code == 200


def _object_to_ended(client: TestClient, number: str, as_user: Any) -> Any:
    notice = client.get(f"{API}/cases/{number}/notices", headers=as_user("gldj")).json()[0]
    body = {"reason": REASON}
    return client.post(f"{API}/notices/{notice['id']}/objections", json=body)


def test_a_founded_objection_brings_a_new_investigation_and_a_second_notice(
    client: TestClient, as_user: Any, db: Session, clock: Clock
) -> None:
    number = _in_decision(client, as_user, db, clock)
    objection = _object(client).json()["id"]
    founded = {"founded": True, "finding": "车辆登记在申请人名下，需重新核实家庭财产。"}
    examined = client.post(
        f"{API}/objections/{objection}/examination", json=founded, headers=as_user("gldj")
    )
    assert examined.json()["state"] == "founded", examined.text
    assert client.get(f"{API}/notices").json() == []  # the first notice is no longer shown
    case = client.get(f"{API}/cases/{number}", headers=as_user("zhangsan")).json()
    assert case["state"] == "in_review"
    # 15 working days for the new investigation (民发〔2021〕57号), not the item's 6 for a
    # review: from Monday 22 September 2025, past the National Day holiday (1–8 October;
    # Sunday 28 September and Saturday 11 October worked), to Friday 17 October
    recheck = open_task(client, as_user("gldj"), number, "review")
    assert recheck["due_at"].startswith("2025-10-17"), recheck["due_at"]
    approver = as_user("glmz-hz")
    assert [t for t in client.get(f"{API}/tasks", headers=approver).json()] == []

    clock.advance(days=3)  # the street office investigates again, with a new home visit
    again = open_task(client, as_user("gldj"), number, "review")
    assert again["id"] == _review_task(db, number) != _review_task(db, number, first=True)
    reviewer = accounts.find_user(db, username="gldj")
    assert reviewer is not None
    pass_required_inspection(db, db.get_one(Task, again["id"]), reviewer, clock.now)
    db.commit()
    opinion = "经重新入户核查，车辆已于申请前转让，家庭财产符合规定"
    assert act(client, as_user("gldj"), again, "review", outcome="approved", opinion=opinion)
    notices = client.get(f"{API}/cases/{number}/notices", headers=as_user("gldj")).json()
    assert [(n["state"], len(n["objections"])) for n in notices] == [("ended", 1), ("running", 0)]
    assert len(client.get(f"{API}/notices").json()) == 1  # the second notice is shown
    _withheld(_decide(client, as_user, number), "公示期")

    # the second 7-day notice would end on 3 October, in the National Day holiday: its last
    # day moves to the next working day, Thursday 9 October 2025
    assert notices[1]["ends_at"].startswith("2025-10-09T16:00")
    clock.advance(days=15)
    assert any(job.startswith("notice.end") for job in run_worker(client))
    decided = _decide(client, as_user, number)
    assert decided.status_code == 200, decided.text
    case = client.get(f"{API}/cases/{number}", headers=as_user("zhangsan")).json()
    assert case["state"] == "completed"


def test_objections_on_the_pages_keep_what_was_typed_and_reach_the_reviewer(
    client: TestClient, as_user: Any, db: Session, clock: Clock
) -> None:
    number = _in_decision(client, as_user, db, clock)
    notice = client.get(f"{API}/notices").json()[0]
    page = client.get("/public/notices")
    url = f"/public/notices/{notice['id']}/objections"
    form = {"csrf_token": csrf(page.text), "contact": "邻居王女士"}
    refused = client.post(url, data={**form, "reason": "不符"})
    assert refused.status_code == 422 and "异议理由须为 5 至 500 个字" in refused.text
    assert "邻居王女士" in refused.text  # what was typed is kept
    receipt = client.post(url, data={**form, "reason": REASON}, follow_redirects=False)
    assert receipt.status_code == 201, receipt.text
    assert "查询码只显示这一次" in receipt.text and "待审查人员核查" in receipt.text
    assert receipt.headers["cache-control"] == "no-store"
    assert REASON not in receipt.text  # its text is not shown to whoever has the number
    row = db.scalars(select(Objection).order_by(Objection.id.desc())).first()
    assert row is not None and row.code_hash is not None
    code = _receipt_code(receipt.text)
    assert code not in row.code_hash  # only its digest is kept
    form = {"csrf_token": csrf(receipt.text), "number": str(row.id), "code": code.lower()}
    looked_up = client.post("/public/objections", data=form)
    assert looked_up.status_code == 200 and "待审查人员核查" in looked_up.text, looked_up.text

    _end_notice(client, clock)
    sign_in(client, "gldj")  # the street office's reviewer, on the review it gave
    review = _review_task(db, number)
    task_page = client.get(f"/staff/tasks/{review}")
    assert REASON in task_page.text and "examine_objection" in task_page.text
    objection = client.get(f"{API}/cases/{number}/notices", headers=as_user("gldj")).json()
    examined = client.post(
        f"/staff/tasks/{review}/examine_objection",
        data={
            "csrf_token": csrf(task_page.text),
            "objection": str(objection[0]["objections"][0]["id"]),
            "founded": "no",
            "finding": "经核查，车辆不属于申请人家庭。",
        },
        follow_redirects=False,
    )
    assert examined.status_code == 303, examined.text
    assert "经核查，车辆不属于申请人家庭。" in client.get(f"/staff/tasks/{review}").text


def test_objections_left_when_a_founded_one_stopped_the_notice_are_closed_and_say_so(
    client: TestClient, as_user: Any, db: Session, clock: Clock
) -> None:
    number = _in_decision(client, as_user, db, clock)
    founded = _object(client).json()["id"]
    other = _object(client, "申请人有门面房出租。").json()
    before = _look_up(client, other)
    assert before.json()["state"] == "filed", before.text
    body = {"founded": True, "finding": "车辆登记在申请人名下，需重新核实家庭财产。"}
    examined = client.post(
        f"{API}/objections/{founded}/examination", json=body, headers=as_user("gldj")
    )
    assert examined.status_code == 200, examined.text

    closed = _look_up(client, other).json()  # whoever filed it, no sign-in
    assert closed["state"] == "closed"
    assert "finding" not in closed and "reason" not in closed
    # the closing text is no finding of the objection's own: the pages say it, translated
    assert db.get_one(Objection, other["id"]).finding is None
    form = {"csrf_token": csrf(client.get("/public/objections").text), "code": other["code"]}
    page = client.post("/public/objections", data={**form, "number": str(other["id"])})
    assert page.status_code == 200 and CLOSED in page.text
    english = client.post("/public/objections?lang=en", data={**form, "number": str(other["id"])})
    assert "another objection was founded" in english.text and CLOSED not in english.text
    refused = client.post("/public/objections", data={**form, "number": "abc"})
    assert refused.status_code == 422 and "异议编号应为数字" in refused.text
    [notice] = client.get(f"{API}/cases/{number}/notices", headers=as_user("gldj")).json()
    assert [o["state"] for o in notice["objections"]] == ["founded", "closed"]
    sign_in(client, "gldj")
    assert CLOSED in client.get(f"/staff/tasks/{_review_task(db, number, first=True)}").text


def _receipt_code(page: str) -> str:
    found = re.search(r'class="code">([A-Z0-9]{8})<', page)
    assert found is not None, page
    return found.group(1)


def _look_up(client: TestClient, filed: dict[str, Any], code: str = "") -> Any:
    body = {"number": str(filed["id"]), "code": code or filed["code"]}
    return client.post(f"{API}/objections/lookup", json=body)


def test_an_objection_is_looked_up_only_with_the_code_on_its_receipt_and_guessing_is_locked(
    client: TestClient, as_user: Any, db: Session, clock: Clock
) -> None:
    """The number is a counter: without the receipt's code it shows nothing. A wrong code
    and an unknown number get the same answer; five wrong lookups lock that address out
    for 15 minutes (sign_in_lock_after, sign_in_lock_minutes), not the objector at
    another address; each failure is audited with the address."""
    _in_decision(client, as_user, db, clock)
    filed = _object(client).json()
    assert len(filed["code"]) == 8
    wrong = _look_up(client, filed, code="ABCDEFGH" if filed["code"] != "ABCDEFGH" else "HGFEDCBA")
    unknown = _look_up(client, {**filed, "id": 999999})
    assert wrong.status_code == unknown.status_code == 404, wrong.text
    assert wrong.json()["error"] == unknown.json()["error"]
    assert "异议编号或查询码不正确" in wrong.json()["error"]["message"]
    assert _look_up(client, filed, code="short").status_code == 422
    guesser = TestClient(client.app, client=("203.0.113.9", 40000))
    for _ in range(5):
        assert _look_up(guesser, filed, code="WRONGCDE").status_code == 404
    locked = _look_up(guesser, filed)  # even the right code: the address is locked
    assert locked.status_code == 429 and "异议查询错误次数过多" in locked.json()["error"]["message"]
    assert _look_up(client, filed).json()["state"] == "filed"  # the objector elsewhere
    failed = db.scalars(
        select(AuditEntry.source_address).where(
            AuditEntry.action == "notice.objection_lookup_failed"
        )
    ).all()
    assert failed.count("203.0.113.9") == 5
    clock.advance(minutes=16)
    assert _look_up(guesser, filed).status_code == 200
    # the page is locked the same way, in the reader's language
    page = client.get("/public/objections")
    form = {"csrf_token": csrf(page.text), "number": str(filed["id"]), "code": "WRONGCDE"}
    for _ in range(5):
        assert client.post("/public/objections", data=form).status_code == 404
    refused = client.post("/public/objections?lang=en", data=form)
    assert refused.status_code == 429 and "Too many wrong objection lookups" in refused.text
    assert refused.headers["retry-after"]


def test_objections_without_sign_in_are_limited_per_network_and_hour(
    client: TestClient, as_user: Any, db: Session, clock: Clock
) -> None:
    _in_decision(client, as_user, db, clock)
    for _ in range(5):  # objections_per_source_per_hour: 5
        assert _object(client).status_code == 201
    refused = _object(client)
    assert refused.status_code == 429, refused.text
    assert "本网络提出异议过于频繁" in refused.json()["error"]["message"]
    assert _object(client, **as_user("lisi")).status_code == 201  # signed in: not counted
    clock.advance(hours=1, minutes=1)
    assert _object(client).status_code == 201


def test_the_objections_of_a_purged_case_lose_their_texts(
    client: TestClient, as_user: Any, db: Session, clock: Clock
) -> None:
    number = _in_decision(client, as_user, db, clock)
    objection = _object(client).json()["id"]
    db.expire_all()  # the client's requests moved the case on (its version) since db read it
    case = db.query(Case).filter_by(number=number).one()
    retention.purge_case(db, case=case, now=clock.now)
    row = db.get_one(Objection, objection)
    assert (row.reason, row.contact, row.state) == (retention.PURGED, None, "filed")
