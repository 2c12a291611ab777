"""Messages on a case (在线沟通): the applicant and the department handling the case write
to each other on the case pages and through the API; nobody outside the case (another
applicant, another department, one only asked to verify a fact) sees a word of it;
supervisors read and do not write; refusals say why and keep the text.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from tests.factories import API, act, draft, open_task, submitted
from tests.web.support import ITEM, PDF, SignedIn, check_structure, csrf
from tongban.cases.models import Case
from tongban.messaging.models import CaseMessage
from tongban.privacy import retention
from tongban.timeutil import utcnow

QUESTION = "请问我的失业登记还需要补充劳动合同解除证明吗？"
ANSWER = "您好，不需要补充，我们已通过社保数据核实。"


def ask_ga_to_verify(client: TestClient, as_user: Any, number: str) -> None:
    """人社局 accepts case ``number`` and asks 公安局 to verify a fact (协查): 公安局 then
    reads the case, though it handles none of it."""
    accept = open_task(client, as_user("rs"), number, "accept")
    assert act(client, as_user("rs"), accept, "accept").status_code == 200
    review = open_task(client, as_user("rs"), number, "review")
    asked = client.post(
        f"{API}/tasks/{review['id']}/verifications",
        json={"to_department": "GA", "question": "请核实申请人户籍。"},
        headers=as_user("rs"),
    )
    assert asked.status_code == 201, asked.text
    assert client.get(f"{API}/cases/{number}", headers=as_user("ga")).status_code == 200


def _write(client: TestClient, headers: dict[str, str], number: str, **body: str) -> Any:
    return client.post(f"{API}/cases/{number}/messages", json=body, headers=headers)


def _thread(client: TestClient, headers: dict[str, str], number: str) -> Any:
    return client.get(f"{API}/cases/{number}/messages", headers=headers)


def _page_post(client: TestClient, number: str, department: str, **fields: Any) -> Any:
    url = f"/cases/{number}/messages/{department}"
    files = fields.pop("files", None)
    token = csrf(client.get(url).text)
    return client.post(url, data={"csrf_token": token, **fields}, files=files)


def test_the_applicant_asks_and_the_department_answers(
    client: TestClient, as_user: Any, db: Session
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    written = _write(client, as_user("zhangsan"), number, department="RS", body=QUESTION)
    assert written.status_code == 201, written.text
    assert written.json()["from_applicant"] is True

    seen = _thread(client, as_user("rs"), number).json()
    assert [m["body"] for m in seen] == [QUESTION]
    answered = _write(client, as_user("rs"), number, department="RS", body=ANSWER)
    assert answered.status_code == 201, answered.text

    mine = _thread(client, as_user("zhangsan"), number).json()
    assert [(m["body"], m["from_applicant"]) for m in mine] == [(QUESTION, True), (ANSWER, False)]

    topics = db.execute(
        text("SELECT topic, payload FROM outbox_messages WHERE topic LIKE 'case_message%'")
    ).all()
    assert {topic for topic, _ in topics} == {"case_message", "case_message_received"}
    assert all(QUESTION not in str(payload) and ANSWER not in str(payload) for _, payload in topics)
    stored = db.execute(text("SELECT body FROM case_messages")).scalars().all()
    assert len(stored) == 2 and all(QUESTION not in body and ANSWER not in body for body in stored)


def test_nobody_outside_the_case_reads_or_writes_a_message(
    client: TestClient, as_user: Any
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    assert (
        _write(client, as_user("zhangsan"), number, department="RS", body=QUESTION).status_code
        == 201
    )

    for outsider in ("lisi", "ga", "admin"):  # another applicant, another department, 系统管理员
        read = _thread(client, as_user(outsider), number)
        assert read.status_code == 404 or read.json() == [], outsider  # 系统管理员 sees cases
        refused = _write(client, as_user(outsider), number, department="RS", body="打听一下")
        assert refused.status_code == 404, outsider
    assert _thread(client, as_user("lisi"), number).status_code == 404

    # 人社局 asks 公安局 to verify a fact: 公安局 now reads the case, and still no message
    ask_ga_to_verify(client, as_user, number)
    assert _thread(client, as_user("ga"), number).json() == []
    assert _write(client, as_user("ga"), number, department="RS", body="x").status_code == 404
    assert _write(client, as_user("ga"), number, department="GA", body="x").status_code == 404


def test_a_supervisor_reads_every_thread_and_writes_none(client: TestClient, as_user: Any) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    _write(client, as_user("zhangsan"), number, department="RS", body=QUESTION)
    assert [m["body"] for m in _thread(client, as_user("supervisor"), number).json()] == [QUESTION]
    refused = _write(client, as_user("supervisor"), number, department="RS", body="督办")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "read_only"


def test_a_draft_has_no_messages(client: TestClient, as_user: Any) -> None:
    number = draft(client, as_user("zhangsan"), ITEM)["number"]
    refused = _write(client, as_user("zhangsan"), number, department="RS", body=QUESTION)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "draft_has_no_messages"


def test_the_pages_write_answer_with_a_phrase_and_attach_a_file(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    applicant = signed_in("zhangsan")
    case_page = applicant.get(f"/cases/{number}").text
    assert "在线沟通" in case_page and f'href="/cases/{number}/messages/RS"' in case_page
    sent = _page_post(
        applicant,
        number,
        "RS",
        body=QUESTION,
        files={"attachment": ("解除证明.pdf", PDF, "application/pdf")},
    )
    assert sent.status_code == 200 and QUESTION in sent.text and "附件：解除证明.pdf" in sent.text
    check_structure(sent.text)

    rs = signed_in("rs")
    workbench = rs.get("/staff").text
    waiting = workbench[workbench.index("待回复的留言") :]
    assert f'href="/cases/{number}/messages/RS"' in waiting
    filled = rs.get(f"/cases/{number}/messages/RS", params={"phrase": "answered"}).text
    assert f"您好，您关于办件 {number} 的问题答复如下：" in filled
    url = _first_file(client, as_user, number)
    attachment = rs.get(url)
    assert attachment.status_code == 200 and attachment.content == PDF
    replied = _page_post(rs, number, "RS", body=ANSWER)
    assert replied.status_code == 200 and ANSWER in replied.text
    assert "待回复的留言" not in rs.get("/staff").text  # answered, so nothing waits

    other = signed_in("lisi")
    assert other.get(f"/cases/{number}/messages/RS").status_code == 404
    assert other.get(url).status_code == 404


def _first_file(client: TestClient, as_user: Any, number: str) -> str:
    """The page address of the first file of the first message in 人社局's thread."""
    first = _thread(client, as_user("supervisor"), number).json()[0]
    return f"/cases/{number}/messages/RS/{first['id']}/attachments/{first['attachments'][0]['id']}"


def test_a_refused_message_says_why_and_keeps_the_text(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    applicant = signed_in("zhangsan")
    empty = _page_post(applicant, number, "RS", body="   ")
    assert empty.status_code == 422 and "请填写留言内容" in empty.text
    long_text = "问" * 2001
    too_long = _page_post(applicant, number, "RS", body=long_text)
    assert too_long.status_code == 422 and "不能超过 2000 个字" in too_long.text
    assert long_text in too_long.text  # kept to shorten, not typed again
    bad_file = _page_post(
        applicant,
        number,
        "RS",
        body=QUESTION,
        files={"attachment": ("说明.txt", b"hello", "text/plain")},
    )
    assert (
        bad_file.status_code == 422
        and "格式不受支持" in bad_file.text
        and QUESTION in bad_file.text
    )
    check_structure(bad_file.text)
    assert _thread(client, as_user("zhangsan"), number).json() == []  # nothing half-written


def test_retention_purges_the_texts_and_attachments(
    client: TestClient, as_user: Any, signed_in: SignedIn, db: Session
) -> None:
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    files = {"attachment": ("解除证明.pdf", PDF, "application/pdf")}
    assert _page_post(signed_in("zhangsan"), number, "RS", body=QUESTION, files=files).is_success
    case = db.scalars(select(Case).where(Case.number == number)).one()
    message = db.scalars(select(CaseMessage).where(CaseMessage.case_id == case.id)).one()
    (key,) = [attachment.key for attachment in message.attachments]

    freed = retention.purge_case(db, case=case, now=utcnow())

    assert key in freed and key not in retention.still_named(db, {key})
    db.refresh(message)
    assert message.body == retention.PURGED and message.attachments == []


def test_the_page_names_everyone_who_reads_the_messages(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    """The hint under the messages must name the supervisors, who read every thread (the
    trial found it promised only the applicant and the department)."""
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    _write(client, as_user("zhangsan"), number, department="RS", body=QUESTION)
    page = signed_in("supervisor").get(f"/cases/{number}/messages/RS")
    assert page.status_code == 200 and QUESTION in page.text
    applicant = signed_in("zhangsan")
    assert (
        "办理该事项的部门和电子监察人员（只读）可以看到" in applicant.get(f"/cases/{number}").text
    )
    english = applicant.get(f"/cases/{number}", params={"lang": "en"}).text
    assert "e-supervision staff (read only) see these messages" in english
