"""Staff pages: the queue with time badges, one task with its case, and every stage's actions."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.factories import run_worker
from tests.web.support import ITEM, PDF, VALID, SignedIn, apply, case_number, csrf, found

ID_PDF = {"m_ID_CARD": ("id.pdf", PDF, "application/pdf")}


# with the 容缺 material too: a case missing it is accepted only with deficiencies
COMPLETE = {**ID_PDF, "m_TERMINATION_PROOF": ("end.pdf", PDF, "application/pdf")}


def _submitted(signed_in: SignedIn, files: dict[str, tuple[str, bytes, str]] = ID_PDF) -> str:
    return case_number(apply(signed_in("zhangsan"), ITEM, VALID, files).text)


def _task_of(client: TestClient, number: str) -> str:
    """The id of the queue row of case ``number``."""
    queue = client.get("/staff").text
    found = re.search(rf'href="/staff/tasks/(\d+)">{number}<', queue)
    assert found, f"case {number} is not in the queue"
    return found.group(1)


def _act(client: TestClient, task: str, action: str, **fields: str):  # type: ignore[no-untyped-def]
    page = client.get(f"/staff/tasks/{task}").text
    version = re.search(r'name="version" value="(\d+)"', page)
    data = {"csrf_token": csrf(page), "version": version.group(1) if version else "", **fields}
    return client.post(f"/staff/tasks/{task}/{action}", data=data)


def test_queue_shows_the_case_with_a_badge(signed_in: SignedIn) -> None:
    number = _submitted(signed_in)
    html = signed_in("rs").get("/staff").text
    row = html[html.index(number) - 300 : html.index(number) + 600]
    assert re.search(r'class="badge (red|yellow|green)"', row)
    assert "失业登记" in row and "受理" in row and "福州市人力资源和社会保障局" in row


def test_other_departments_do_not_see_the_case(signed_in: SignedIn) -> None:
    number = _submitted(signed_in)
    assert number not in signed_in("ga").get("/staff").text


def test_task_page_shows_the_case_and_the_acceptance_actions(signed_in: SignedIn) -> None:
    number = _submitted(signed_in)
    client = signed_in("rs")
    html = client.get(f"/staff/tasks/{_task_of(client, number)}").text
    assert "<dt>现居住地址</dt><dd>福州市鼓楼区五四路1号</dd>" in html
    assert '<span class="file-name">id.pdf</span>' in html and ">查看</a>" in html
    for action in ("accept", "reject", "correction"):
        assert re.search(rf'action="/staff/tasks/\d+/{action}"', html)
    assert 'name="row-0-check"' in html and 'value="materials.ID_CARD"' in html


def test_clerk_accepts_and_the_case_runs_to_completion(signed_in: SignedIn) -> None:
    number = _submitted(signed_in, COMPLETE)
    client = signed_in("rs")
    accepted = _act(client, _task_of(client, number), "accept", opinion="材料齐全，予以受理。")
    assert accepted.status_code == 200 and str(accepted.url).endswith("/staff?done=accept")
    assert "已受理" in accepted.text
    review = _task_of(client, number)
    refused = _act(client, review, "disagree", opinion="")
    assert refused.status_code == 422 and "不同意时必须填写审查意见" in refused.text
    no_end = _act(client, review, "pause", reason="inspection", note="现场核查用人单位")
    assert no_end.status_code == 422 and "所需时间的最后一天" in no_end.text
    paused = _act(
        client, review, "pause", reason="inspection", note="现场核查用人单位", until="2030-12-31"
    )
    assert "已暂停计时" in paused.text and "/resume" in paused.text
    assert "暂停计时" in signed_in("zhangsan").get(f"/cases/{number}").text
    client = signed_in("rs")
    assert "已恢复计时" in _act(client, review, "resume").text
    # 失业登记 lists 受理 and 审查 only: the review decides and the system issues the result
    assert _act(client, review, "agree", opinion="符合条件。").status_code == 200
    run_worker(client)  # the result is an e-licence: its PDF is printed by the worker
    applicant = signed_in("zhangsan")
    page = applicant.get(f"/cases/{number}").text
    assert "已办结" in page and "符合条件。" in page and "待核准" not in page
    document = re.search(r'href="(/api/v1/results/\d+/document)"', page)
    assert document and applicant.get(document.group(1)).content.startswith(b"%PDF")


def test_reject_needs_a_reason(signed_in: SignedIn) -> None:
    number = _submitted(signed_in)
    client = signed_in("rs")
    response = _act(client, _task_of(client, number), "reject", opinion=" ")
    assert response.status_code == 422 and "不予受理必须说明理由" in response.text
    assert '<p class="alert" role="alert">' in response.text


def test_correction_notice_then_resubmission(signed_in: SignedIn) -> None:
    number = _submitted(signed_in)
    client = signed_in("rs")
    task = _task_of(client, number)
    page = client.get(f"/staff/tasks/{task}").text
    rows = int(found(r'name="rows" value="(\d+)"', page))
    field = found(r'name="row-(\d+)-target" value="residence_address"', page)
    sent = _act(
        client,
        task,
        "correction",
        rows=str(rows),
        **{
            f"row-{field}-check": "1",
            f"row-{field}-target": "residence_address",
            f"row-{field}-problem": "请填写到门牌号",
            f"row-{rows - 1}-target": "其他",
            f"row-{rows - 1}-problem": "请核对联系电话",
        },
    )
    assert "已发出一次性补正告知" in sent.text and number not in sent.text
    applicant = signed_in("zhangsan")
    case = applicant.get(f"/cases/{number}").text
    assert "待补正" in case and "<strong>现居住地址</strong>：请填写到门牌号" in case
    assert '<p class="error" id="e-residence_address">请填写到门牌号</p>' in case
    bad = applicant.post(
        f"/cases/{number}/resubmit", data={**VALID, "phone": "123", "csrf_token": csrf(case)}
    )
    said = 'id="e-phone">“联系电话(手机号码)”：手机号码应为 11 位，实际为 3 位'
    assert bad.status_code == 422 and said in bad.text
    fixed = {
        **VALID,
        "residence_address": "福州市鼓楼区五四路1号3单元501",
        "csrf_token": csrf(case),
    }
    done = applicant.post(f"/cases/{number}/resubmit", data=fixed)
    assert "补正材料已提交" in done.text and "待受理" in done.text
    again = signed_in("rs").get(f"/staff/tasks/{_task_of(client, number)}").text
    assert "已发出过一次性补正告知" in again


def test_staff_pages_need_staff(signed_in: SignedIn) -> None:
    assert signed_in("zhangsan").get("/staff").status_code == 403


def test_unknown_action_is_not_found(signed_in: SignedIn) -> None:
    number = _submitted(signed_in)
    client = signed_in("rs")
    assert _act(client, _task_of(client, number), "teleport").status_code == 404
