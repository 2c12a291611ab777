"""Verification pages (协查): a reviewer asks from the task page, the asked department
answers from its workbench, and the reviewer reads the answer; applicants never see it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.factories import API, act, open_task, submitted
from tests.web.support import ITEM, SignedIn, check_structure, csrf, found
from tongban.web.runtime import Runtime

QUESTION = "请核实申请人与原用人单位的劳动合同是否已于9月1日解除。"
ANSWER = "经查询社保登记，该劳动关系已于2025年9月1日终止。"


def _task_of(client: TestClient, number: str) -> str:
    return found(rf'href="/staff/tasks/(\d+)">{number}<', client.get("/staff").text)


def _post(client: TestClient, page_url: str, action: str, **fields: str):  # type: ignore[no-untyped-def]
    page = client.get(page_url).text
    return client.post(action, data={"csrf_token": csrf(page), **fields})


def _in_review(client: TestClient, as_user: Any, signed_in: SignedIn) -> tuple[str, str]:
    """A 失业登记 case accepted by 人社局; its number and review task id."""
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    rs = signed_in("rs")
    accept = _task_of(rs, number)
    assert _post(rs, f"/staff/tasks/{accept}", f"/staff/tasks/{accept}/accept").status_code == 200
    return number, _task_of(rs, number)


def _ask(client: TestClient, task: str, **fields: str):  # type: ignore[no-untyped-def]
    body = {"to_department": "GA", "question": QUESTION, **fields}
    return _post(client, f"/staff/tasks/{task}", f"/staff/tasks/{task}/verify", **body)


def test_ask_answer_and_read_the_answer(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number, task = _in_review(client, as_user, signed_in)
    rs = signed_in("rs")
    page = rs.get(f"/staff/tasks/{task}").text
    assert 'action="/staff/tasks/' + task + '/verify"' in page and "请求协查" in page
    assert '<option value="GA">福州市公安局</option>' in page
    assert '<option value="RS">' not in page  # not its own department
    asked = _ask(rs, task)
    assert asked.status_code == 200 and str(asked.url).endswith(f"/staff/tasks/{task}?done=verify")
    assert "已发出协查请求" in asked.text and QUESTION in asked.text and "待回复" in asked.text
    check_structure(asked.text)

    ga = signed_in("ga")
    workbench = ga.get("/staff").text
    check_structure(workbench)
    section = workbench[workbench.index("待回复协查") :]
    assert number in section and QUESTION in section and "剩余 3 个工作日" in section
    request = found(r'action="/staff/verifications/(\d+)/answer"', section)
    answered = _post(ga, "/staff", f"/staff/verifications/{request}/answer", answer=ANSWER)
    assert answered.status_code == 200 and str(answered.url).endswith("/staff?done=answered")
    assert "协查结果已回复" in answered.text and QUESTION not in answered.text

    page = signed_in("rs").get(f"/staff/tasks/{task}").text
    assert ANSWER in page and "公安审查员" in page and "回复协查" in page


def test_the_asked_department_sees_the_case_summary_read_only(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number, task = _in_review(client, as_user, signed_in)
    _ask(signed_in("rs"), task)
    ga = signed_in("ga")
    request = found(r'href="/staff/verifications/(\d+)"', ga.get("/staff").text)
    page = ga.get(f"/staff/verifications/{request}").text
    check_structure(page)
    assert QUESTION in page and number in page
    # a department asked only to verify reads identifiers and addresses masked (pii)
    assert "<dt>现居住地址</dt><dd>福州市鼓楼区****</dd>" in page
    assert 'href="/api/v1/materials/' in page
    assert "不办理其中的任务" in page and 'id="answer-text"' in page
    assert ga.get(f"/cases/{number}").status_code == 200
    assert ga.get(f"/staff/tasks/{task}").status_code == 404

    zrzy = signed_in("zrzy")
    assert zrzy.get(f"/staff/verifications/{request}").status_code == 404
    assert zrzy.get(f"/cases/{number}").status_code == 404
    assert "待回复协查" not in zrzy.get("/staff").text

    ga = signed_in("ga")
    done = _post(
        ga,
        f"/staff/verifications/{request}",
        f"/staff/verifications/{request}/answer",
        answer=ANSWER,
    )
    assert done.status_code == 200
    again = ga.get(f"/staff/verifications/{request}").text
    assert ANSWER in again and 'id="answer-text"' not in again


def test_answering_with_htmx_swaps_only_the_list(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    _, task = _in_review(client, as_user, signed_in)
    _ask(signed_in("rs"), task)
    ga = signed_in("ga")
    workbench = ga.get("/staff").text
    request = found(r'hx-post="/staff/verifications/(\d+)/answer"', workbench)
    token = csrf(workbench)
    url = f"/staff/verifications/{request}/answer"
    headers = {"HX-Request": "true"}
    blank = ga.post(url, data={"csrf_token": token, "answer": " "}, headers=headers)
    assert blank.status_code == 200 and "<html" not in blank.text
    assert 'aria-invalid="true"' in blank.text and "请填写协查结果" in blank.text
    swapped = ga.post(url, data={"csrf_token": token, "answer": ANSWER}, headers=headers)
    assert swapped.status_code == 200 and "<html" not in swapped.text
    assert 'id="verifications"' in swapped.text and "协查结果已回复" in swapped.text
    assert QUESTION not in swapped.text


def test_a_refused_request_shows_the_reason(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    _, task = _in_review(client, as_user, signed_in)
    rs = signed_in("rs")
    own = _ask(rs, task, to_department="RS")
    assert own.status_code == 422 and '<p class="alert" role="alert">' in own.text
    assert "请选择其他部门" in own.text
    nobody = _ask(rs, task, to_department="")
    assert nobody.status_code == 422 and "请选择协查部门" in nobody.text
    blank = _ask(rs, task, question=" ")
    assert blank.status_code == 422 and "请填写协查事项" in blank.text


def test_an_answer_twice_is_refused_on_the_page(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    _, task = _in_review(client, as_user, signed_in)
    _ask(signed_in("rs"), task)
    ga = signed_in("ga")
    request = found(r'href="/staff/verifications/(\d+)"', ga.get("/staff").text)
    page = f"/staff/verifications/{request}"
    _post(ga, page, f"{page}/answer", answer=ANSWER)
    token = csrf(ga.get("/staff").text)
    twice = ga.post(f"{page}/answer", data={"csrf_token": token, "answer": "再答"})
    assert twice.status_code == 409 and "已经回复过" in twice.text


def test_applicants_do_not_see_the_internal_exchange(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number, task = _in_review(client, as_user, signed_in)
    _ask(signed_in("rs"), task)
    ga = signed_in("ga")
    request = found(r'href="/staff/verifications/(\d+)"', ga.get("/staff").text)
    _post(ga, "/staff", f"/staff/verifications/{request}/answer", answer=ANSWER)
    applicant = signed_in("zhangsan")
    page = applicant.get(f"/cases/{number}").text
    assert "办理记录" in page
    assert QUESTION not in page and ANSWER not in page and "协查" not in page
    assert applicant.get(f"/staff/verifications/{request}").status_code == 403
    assert not re.search(r"verification", page)


def test_a_request_of_an_ended_case_says_so_and_takes_no_answer(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number, task = _in_review(client, as_user, signed_in)
    _ask(signed_in("rs"), task)
    ga = signed_in("ga")
    request = found(r'href="/staff/verifications/(\d+)"', ga.get("/staff").text)
    review = open_task(client, as_user("rs"), number, "review")
    refused = act(client, as_user("rs"), review, "review", outcome="refused", opinion="不符合条件")
    assert refused.status_code == 200, refused.text
    case = client.get(f"{API}/cases/{number}", headers=as_user("zhangsan")).json()
    assert case["state"] == "refused"  # 失业登记 has no decision stage
    assert "待回复协查" not in ga.get("/staff").text
    page = ga.get(f"/staff/verifications/{request}").text
    check_structure(page)
    assert "办件已结束，无需回复" in page and 'id="answer-text"' not in page
    assert "办件已结束，无需回复" in signed_in("rs").get(f"/staff/tasks/{task}").text


def test_a_document_past_the_size_limit_keeps_the_typed_answer(
    client: TestClient,
    as_user: Any,
    signed_in: SignedIn,
    runtime: Runtime,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Fault 7: a file refused before the view (the body limit) answered with the bare
    error page, and the answer typed beside it was lost."""
    number, task = _in_review(client, as_user, signed_in)
    assert _ask(signed_in("rs"), task).status_code == 200
    ga = signed_in("ga")
    request = found(r'action="/staff/verifications/(\d+)/answer"', ga.get("/staff").text)
    page = ga.get(f"/staff/verifications/{request}").text
    monkeypatch.setattr(runtime.settings, "max_upload_mb", 1)
    big = b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024)
    refused = ga.post(
        f"/staff/verifications/{request}/answer",
        data={"csrf_token": csrf(page), "answer": ANSWER},
        files={"document": ("big.pdf", big, "application/pdf")},
    )
    assert refused.status_code == 413
    assert "上传的文件过大：每个材料文件不超过 1 MB" in refused.text
    assert f">{ANSWER}</textarea>" in refused.text
    assert number in refused.text  # the request's own page, with its case
    assert "待回复协查" in ga.get("/staff").text  # nothing was answered
