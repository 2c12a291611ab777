"""12345 hotline: a call about a case is routed to the case's lead department, warned at two
thirds of its 5 working days, overdue and escalated like any task, answered (alerts
resolved) and called back; 退单 and re-routing; who sees what; bad input refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, submitted
from tests.web.support import csrf, sign_in
from tongban.accounts.models import User
from tongban.alerts.models import Alert
from tongban.outbox.models import OutboxMessage
from tongban.web.runtime import Runtime
from tongban.worker import run_once

RADIATION = "3501-WJW-002"  # lead department WJW
BEIJING = timedelta(hours=8)
SECOND = timedelta(seconds=1)


def _midnight(month: int, day: int) -> datetime:
    return datetime(2025, month, day, tzinfo=UTC) - BEIJING


def _levels(db: Session, complaint_id: int) -> dict[str, tuple[str, datetime | None]]:
    db.expire_all()
    query = select(Alert).where(Alert.watched == "complaint", Alert.watched_id == complaint_id)
    return {a.level: (a.department_code, a.resolved_at) for a in db.scalars(query)}


def _at(clock: Clock, runtime: Runtime, moment: datetime) -> None:
    clock.now = moment
    run_once(runtime)


def _user_id(db: Session, username: str) -> int:
    return db.scalar(select(User.id).where(User.username == username)) or 0


def _call(client: TestClient, as_user: Any, **body: str) -> Any:
    call = {
        "caller_name": "王先生",
        "phone": "13900001111",
        "kind": "complaint",
        "content": "窗口办理太慢，等了两个小时。",
        **body,
    }
    return client.post(f"{API}/hotline/calls", json=call, headers=as_user("rexian"))


def test_a_hotline_complaint_routed_warned_escalated_and_answered(
    client: TestClient, as_user: Any, clock: Clock, runtime: Runtime, db: Session
) -> None:
    clock.now = datetime(2025, 11, 3, 2, tzinfo=UTC)  # Monday 10:00 in Beijing
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    recorded = _call(client, as_user, case_number=number)
    assert recorded.status_code == 201, recorded.text
    complaint = recorded.json()
    assert (complaint["state"], complaint["department_code"]) == ("routed", "WJW")
    # 5 working days after Monday: Tue to Fri and the next Monday, due at Tuesday 0:00
    assert datetime.fromisoformat(complaint["due_at"]) == _midnight(11, 11)
    row = db.execute(
        text("SELECT phone, caller_name FROM complaints WHERE id = :id"), {"id": complaint["id"]}
    ).one()
    assert "13900001111" not in row.phone and "王先生" not in row.caller_name  # sealed
    told = db.scalars(select(OutboxMessage.topic).where(OutboxMessage.department_code == "WJW"))
    assert "complaint_routed" in set(told)

    # three of the five days have run at the end of Thursday: warned; then red; escalated
    # one working day after (the end of Tuesday)
    _at(clock, runtime, _midnight(11, 7) - SECOND)
    assert _levels(db, complaint["id"]) == {}
    _at(clock, runtime, _midnight(11, 7))
    assert _levels(db, complaint["id"]) == {"warning": ("WJW", None)}
    _at(clock, runtime, _midnight(11, 11))
    assert set(_levels(db, complaint["id"])) == {"warning", "overdue"}
    _at(clock, runtime, _midnight(11, 12) - SECOND)
    assert "escalated" not in _levels(db, complaint["id"])
    _at(clock, runtime, _midnight(11, 12))
    assert _levels(db, complaint["id"])["escalated"] == ("WJW", None)
    escalated_to = db.scalars(
        select(OutboxMessage.recipient_id).where(OutboxMessage.topic == "limit_escalated")
    )
    assert _user_id(db, "supervisor") in set(escalated_to)

    # another department learns nothing of it; the responsible one answers
    assert (
        client.get(f"{API}/complaints/{complaint['id']}", headers=as_user("ga")).status_code == 404
    )
    ga_list = client.get(f"{API}/complaints", headers=as_user("ga")).json()
    assert complaint["id"] not in {c["id"] for c in ga_list}
    answered = client.post(
        f"{API}/complaints/{complaint['id']}/answer",
        json={"answer": "已约谈窗口，增开一个窗口。"},
        headers=as_user("wjw"),
    )
    assert answered.status_code == 200, answered.text
    assert {resolved for _, resolved in _levels(db, complaint["id"]).values()} == {clock.now}
    again = client.post(
        f"{API}/complaints/{complaint['id']}/answer",
        json={"answer": "再次答复"},
        headers=as_user("wjw"),
    )
    assert again.status_code == 409

    # the operator calls back; the supervisors' figures count it
    back = client.post(
        f"{API}/complaints/{complaint['id']}/call-back",
        json={"satisfaction": "satisfied", "note": "来电人表示满意"},
        headers=as_user("rexian"),
    )
    assert back.status_code == 200 and back.json()["state"] == "closed", back.text
    sign_in(client, "supervisor")
    page = client.get("/supervision/complaints")
    assert page.status_code == 200
    assert "<td>1</td><td>0</td>\n      <td>1</td><td>100%</td>" in page.text
    case_page = client.get(f"/cases/{number}")
    assert "窗口办理太慢" in case_page.text  # on the case's page, to a supervisor


def test_sent_back_and_routed_again(client: TestClient, as_user: Any, clock: Clock) -> None:
    recorded = _call(
        client, as_user, kind="consultation", department="GA", content="新生儿落户需要什么材料？"
    )
    complaint_id = recorded.json()["id"]
    empty = client.post(
        f"{API}/complaints/{complaint_id}/send-back", json={"reason": " "}, headers=as_user("ga")
    )
    assert empty.status_code == 422 and "退单理由" in empty.json()["error"]["message"]
    back = client.post(
        f"{API}/complaints/{complaint_id}/send-back",
        json={"reason": "属卫健委职责"},
        headers=as_user("ga"),
    )
    assert back.status_code == 200 and back.json()["state"] == "returned", back.text
    console = client.get(f"{API}/complaints", headers=as_user("rexian")).json()
    returned = next(c for c in console if c["id"] == complaint_id)
    assert returned["return_reason"] == "属卫健委职责"
    # the department that sent it back can no longer act on it
    assert client.post(
        f"{API}/complaints/{complaint_id}/answer", json={"answer": "x"}, headers=as_user("ga")
    ).status_code in (403, 404, 409)
    routed = client.post(
        f"{API}/complaints/{complaint_id}/route",
        json={"department": "WJW"},
        headers=as_user("rexian"),
    )
    assert routed.status_code == 200 and routed.json()["department_code"] == "WJW"
    assert client.get(f"{API}/complaints/{complaint_id}", headers=as_user("ga")).status_code == 404
    answered = client.post(
        f"{API}/complaints/{complaint_id}/answer",
        json={"answer": "出生医学证明、户口簿。"},
        headers=as_user("wjw"),
    )
    assert answered.status_code == 200, answered.text


def test_an_applicant_files_and_sees_only_their_own(
    client: TestClient, as_user: Any, db: Session
) -> None:
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    other = client.post(
        f"{API}/complaints",
        headers=as_user("lisi"),
        json={"kind": "complaint", "content": "投诉", "case_number": number},
    )
    assert other.status_code == 422 and "本人" in other.json()["error"]["message"]
    filed = client.post(
        f"{API}/complaints",
        headers=as_user("zhangsan"),
        json={"kind": "complaint", "content": "审查太慢。", "case_number": number},
    )
    assert filed.status_code == 201 and filed.json()["department_code"] == "WJW", filed.text
    complaint_id = filed.json()["id"]
    assert (
        client.get(f"{API}/complaints/{complaint_id}", headers=as_user("lisi")).status_code == 404
    )
    assert client.get(f"{API}/complaints", headers=as_user("lisi")).json() == []
    assert (
        client.post(
            f"{API}/hotline/calls",
            headers=as_user("zhangsan"),
            json={
                "caller_name": "张三",
                "phone": "13800000001",
                "kind": "complaint",
                "content": "x",
            },
        ).status_code
        == 403
    )
    client.post(
        f"{API}/complaints/{complaint_id}/answer",
        json={"answer": "已加快审查。"},
        headers=as_user("wjw"),
    )
    told = db.scalars(
        select(OutboxMessage.recipient_id).where(OutboxMessage.topic == "complaint_answered")
    )
    assert _user_id(db, "zhangsan") in set(told)
    rated = client.post(
        f"{API}/complaints/{complaint_id}/call-back",
        headers=as_user("zhangsan"),
        json={"satisfaction": "fair"},
    )
    assert rated.status_code == 200 and rated.json()["satisfaction"] == "fair"


def test_a_refused_call_keeps_what_was_typed(client: TestClient) -> None:
    sign_in(client, "rexian")
    token = csrf(client.get("/hotline").text)
    form = {
        "caller_name": "李女士",
        "phone": "1380000",
        "kind": "suggestion",
        "content": "建议周六开放窗口。",
        "csrf_token": token,
    }
    refused = client.post("/hotline/calls", data=form)
    assert refused.status_code == 422
    assert "手机号码应为 11 位" in refused.text
    assert "建议周六开放窗口。" in refused.text and 'value="李女士"' in refused.text
    form["phone"] = "13800009999"
    assert client.post("/hotline/calls", data=form).status_code == 200  # followed to /hotline
    assert "建议周六开放窗口。" in client.get("/hotline").text  # waits to be routed


def test_the_online_form_keeps_what_was_typed(client: TestClient, as_user: Any) -> None:
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    sign_in(client, "lisi")
    token = csrf(client.get("/my/complaints").text)
    form = {"kind": "complaint", "content": "审查人员态度差。", "case_number": number}
    refused = client.post("/my/complaints", data={**form, "csrf_token": token})
    assert refused.status_code == 422
    assert "只能选择本人的办件" in refused.text
    assert "审查人员态度差。" in refused.text and f'value="{number}"' in refused.text
    assert "审查人员态度差。" not in client.get("/my/complaints").text  # nothing was filed


def test_the_operator_sees_the_number_to_call_back_and_a_department_a_masked_one(
    client: TestClient, as_user: Any
) -> None:
    complaint_id = _call(client, as_user, department="GA").json()["id"]
    sign_in(client, "rexian")
    assert "13900001111" in client.get("/hotline").text
    sign_in(client, "ga")
    queue = client.get("/staff/complaints").text
    assert "窗口办理太慢" in queue and "13900001111" not in queue
    assert f"/staff/complaints/{complaint_id}/send-back" in queue


def test_an_attachment_past_the_size_limit_keeps_what_was_typed(
    client: TestClient, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sibling of fault 7: the body limit refused the post before the view, and the
    complaint typed beside the file was lost with the bare error page."""
    sign_in(client, "lisi")
    token = csrf(client.get("/my/complaints").text)
    monkeypatch.setattr(runtime.settings, "max_upload_mb", 1)
    big = b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024)
    form = {"kind": "complaint", "content": "审查人员态度差。", "csrf_token": token}
    refused = client.post(
        "/my/complaints", data=form, files={"attachment": ("big.pdf", big, "application/pdf")}
    )
    assert refused.status_code == 413
    assert "上传的文件过大" in refused.text and "审查人员态度差。" in refused.text
    assert "审查人员态度差。" not in client.get("/my/complaints").text  # nothing was filed


def test_the_operators_english_console_names_departments_in_english(
    client: TestClient, as_user: Any
) -> None:
    """Issue 16 (fault 2): ?lang=en listed every department by its Chinese name."""
    _call(client, as_user)  # new: waits to be routed, with a choice of department
    sign_in(client, "rexian")
    page = client.get("/hotline", params={"lang": "en"}).text
    options = re.findall(r"<option value=\"[A-Z]+\">([^<]*)</option>", page)
    assert "Fuzhou Municipal Public Security Bureau" in options
    assert not [name for name in options if re.search(r"[\u4e00-\u9fff]", name)]
    refused = client.post(
        "/hotline/calls?lang=en",
        data={
            "caller_name": "Li",
            "phone": "1380000",
            "kind": "suggestion",
            "content": "x",
            "csrf_token": csrf(page),
        },
    )
    assert refused.status_code == 422 and not re.search(r"[\u4e00-\u9fff]", _alert(refused.text))


def _alert(page: str) -> str:
    return page[page.index('class="alert"') :].split("</p>")[0]


def test_a_call_with_several_wrong_fields_is_told_every_one_at_once(
    client: TestClient, as_user: Any
) -> None:
    """一次性告知: the name, the phone, the category and the content, not the first alone."""
    body = {"caller_name": "", "phone": "1380000", "kind": "praise", "content": ""}
    refused = client.post(f"{API}/hotline/calls", json=body, headers=as_user("rexian"))
    assert refused.status_code == 422
    fields = [detail["field"] for detail in refused.json()["error"]["details"]]
    assert fields == ["caller_name", "phone", "kind", "content"]
    sign_in(client, "rexian")
    token = csrf(client.get("/hotline").text)
    page = client.post("/hotline/calls", data={**body, "csrf_token": token})
    assert (
        "请填写来电人姓名" in page.text and "请选择类别" in page.text and "请填写内容" in page.text
    )


def test_the_related_case_shows_on_every_list_and_in_the_api(
    client: TestClient, as_user: Any
) -> None:
    """Fault 2 of the tester: a call naming a case showed its number on no page."""
    number = submitted(client, as_user("zhangsan"), RADIATION)["number"]
    recorded = _call(client, as_user, case_number=number).json()
    assert recorded["case_number"] == number
    read = client.get(f"{API}/complaints/{recorded['id']}", headers=as_user("wjw")).json()
    assert read["case_number"] == number
    link = f'<a href="/cases/{number}">{number}</a>'
    for username, page in (("wjw", "/staff/complaints"), ("supervisor", "/supervision/complaints")):
        sign_in(client, username)
        assert link in client.get(page).text, username
    sign_in(client, "rexian")  # the operator sees the number but not the case itself
    console = client.get("/hotline").text
    assert number in console and link not in console
    sign_in(client, "zhangsan")
    filed = client.post(
        "/my/complaints",
        data={
            "kind": "complaint",
            "content": "审查太慢。",
            "case_number": number,
            "csrf_token": csrf(client.get("/my/complaints").text),
        },
    )
    assert link in filed.text
