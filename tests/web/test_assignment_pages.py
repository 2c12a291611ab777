"""The pages of work assignment (人员随机分配): 我的待办 and 本部门, the holder on the task
page, the refusal of anyone else, reassigning with a reason, taking over from someone
absent, and the load per person with absences."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.web.support import ITEM, PDF, VALID, SignedIn, apply, case_number, csrf, sign_in
from tongban.accounts import service as accounts
from tongban.accounts.enums import Role
from tongban.accounts.schemas import StaffCreate

COMPLETE = {
    "m_ID_CARD": ("id.pdf", PDF, "application/pdf"),
    "m_TERMINATION_PROOF": ("end.pdf", PDF, "application/pdf"),
}
PASSWORD = "a-long-passphrase-1"


def _in_review(signed_in: SignedIn) -> tuple[str, str]:
    """A case of 失业登记 accepted by 人社: (its number, its review task's id), the review
    drawn to ``rs``, the department's only reviewer."""
    number = case_number(apply(signed_in("zhangsan"), ITEM, VALID, COMPLETE).text)
    client = signed_in("rs")
    accept = re.search(rf'href="/staff/tasks/(\d+)">{number}<', client.get("/staff").text)
    assert accept
    page = client.get(f"/staff/tasks/{accept.group(1)}").text
    done = client.post(
        f"/staff/tasks/{accept.group(1)}/accept", data={"csrf_token": csrf(page), "opinion": "受理"}
    )
    assert done.status_code == 200
    review = re.search(rf'href="/staff/tasks/(\d+)">{number}<', client.get("/staff").text)
    assert review
    return number, review.group(1)


def _colleague(db: Session, username: str = "rs2") -> None:
    data = StaffCreate(
        username=username,
        password=PASSWORD,
        display_name="人社审查员乙",
        department_code="RS",
        roles=[Role.reviewer],
    )
    accounts.create_staff(db, data=data)
    db.commit()


def _as(client: TestClient, username: str) -> TestClient:
    client.cookies.clear()
    sign_in(client, username, PASSWORD)
    return client


def _post(client: TestClient, path: str, page: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post(path, data={"csrf_token": csrf(page), **fields})


def test_only_the_holder_acts_and_a_supervisor_reassigns_with_a_reason(
    signed_in: SignedIn, client: TestClient, db: Session
) -> None:
    number, task = _in_review(signed_in)
    holder_row = signed_in("rs").get("/staff").text
    row = holder_row[holder_row.index(number) : holder_row.index(number) + 800]
    assert "人社审查员" in row  # the 经办人 column
    _colleague(db)
    other = _as(client, "rs2")
    assert number not in other.get("/staff").text  # 我的待办: not theirs
    assert number in other.get("/staff?view=department").text  # 本部门
    page = other.get(f"/staff/tasks/{task}").text
    assert "此任务已分配给人社审查员办理" in page and f"/staff/tasks/{task}/agree" not in page
    refused = _post(other, f"/staff/tasks/{task}/agree", page, opinion="同意")
    assert refused.status_code == 403 and "只有经办人可以处理" in refused.text
    supervisor = signed_in("supervisor")
    page = supervisor.get(f"/staff/tasks/{task}").text
    assert "改派任务" in page and "人社审查员乙" in page
    assert f"没有找到任务 {task}" not in page  # the page it is on, never "not found"
    assert "此任务由福州市人力资源和社会保障局办理，只有本部门的工作人员可以办理" in page
    chosen = re.search(r'<option value="(\d+)">人社审查员乙', page)
    assert chosen
    blank = _post(supervisor, f"/staff/tasks/{task}/reassign", page, assignee=chosen.group(1))
    assert blank.status_code == 422 and "改派须写明理由" in blank.text
    moved = _post(
        supervisor,
        f"/staff/tasks/{task}/reassign",
        page,
        assignee=chosen.group(1),
        reason="原经办人外出培训",
    )
    assert moved.status_code == 200 and "任务已改派" in moved.text
    other = _as(client, "rs2")
    assert number in other.get("/staff").text
    assert "任务改派给您" in other.get("/messages").text  # the in-app message
    page = other.get(f"/staff/tasks/{task}").text
    agreed = _post(other, f"/staff/tasks/{task}/agree", page, opinion="符合条件。")
    assert agreed.status_code == 200 and "已提交审查意见" in agreed.text
    timeline = signed_in("supervisor").get(f"/staff/tasks/{task}").text
    assert "改派任务" in timeline and "原经办人外出培训" in timeline


def test_the_head_marks_an_absence_and_a_colleague_takes_the_task_over(
    signed_in: SignedIn, client: TestClient, db: Session
) -> None:
    number, task = _in_review(signed_in)
    _colleague(db, "rs3")
    head = signed_in("rs-hz")
    load = head.get("/staff/load").text
    assert "人员工作量" in load and "人社审查员" in load
    assert "福州市公安局" not in load  # a head sees their own department
    rs = accounts.find_user(db, username="rs")
    assert rs is not None
    path = f"/staff/load/{rs.id}/absence"
    bad = _post(head, path, load, absent_from="明天", absent_until="2025-09-30")
    assert bad.status_code == 422 and "开始日期不是有效日期" in bad.text
    marked = _post(head, path, load, absent_from="2025-09-01", absent_until="2025-12-31")
    assert marked.status_code == 200 and "已保存不在岗登记" in marked.text
    assert "不在岗" in marked.text
    other = _as(client, "rs3")
    page = other.get(f"/staff/tasks/{task}").text
    assert "接手任务" in page
    taken = _post(other, f"/staff/tasks/{task}/take", page)
    assert taken.status_code == 200 and "已接手任务" in taken.text
    assert f"/staff/tasks/{task}/agree" in taken.text
    assert number in other.get("/staff").text


def test_the_load_page_is_for_heads_and_supervisors(signed_in: SignedIn) -> None:
    assert signed_in("rs").get("/staff/load").status_code == 403
    page = signed_in("supervisor").get("/staff/load").text
    assert "福州市公安局" in page and "福州市人力资源和社会保障局" in page


def test_the_load_counts_an_online_acceptance_as_the_drawn_clerks(signed_in: SignedIn) -> None:
    apply(signed_in("zhangsan"), ITEM, VALID, COMPLETE)  # its acceptance drawn to 人社's clerk
    page = signed_in("rs-hz").get("/staff/load").text
    assert "在办任务共 1 件，其中未分配 0 件。" in page and "由窗口当班人员办理" not in page
    row = page[page.index("<td>人社审查员</td>") :]
    assert "<td>1</td>" in row[: row.index("</tr>")]
    english = signed_in("rs-hz").get("/staff/load", params={"lang": "en"}).text
    assert "1 open task; not assigned to anyone: 0." in english


def test_a_reviewer_going_away_hands_their_tasks_to_a_deputy(
    signed_in: SignedIn, client: TestClient, db: Session
) -> None:
    """不在岗委托: the reviewer records their own absence and picks a colleague, who is
    told and now holds the open review; wrong dates are refused with what was typed."""
    number, task = _in_review(signed_in)
    _colleague(db, "rs2")
    rs = signed_in("rs")
    page = rs.get("/staff/absence").text
    assert "不在岗登记与委托" in page and "您经办中的任务：1 项" in page
    deputy = accounts.find_user(db, username="rs2")
    assert deputy is not None and f'value="{deputy.id}"' in page
    wrong = _post(
        rs,
        "/staff/absence",
        page,
        absent_from="2030-12-31",
        absent_until="2025-01-01",
        deputy=str(deputy.id),
    )
    assert wrong.status_code == 422 and "结束日期不能早于开始日期" in wrong.text
    assert 'value="2030-12-31"' in wrong.text and f'value="{deputy.id}" selected' in wrong.text
    done = _post(
        rs,
        "/staff/absence",
        page,
        absent_from="2025-01-01",
        absent_until="2030-12-31",
        deputy=str(deputy.id),
    )
    assert done.status_code == 200, done.text
    assert "1 项任务已委托给代办人，0 项留待同事接手" in done.text
    assert "已登记不在岗：2025-01-01 至 2030-12-31" in done.text
    other = _as(client, "rs2")
    assert number in other.get("/staff").text
    assert f"/staff/tasks/{task}/agree" in other.get(f"/staff/tasks/{task}").text
    inbox = other.get("/messages").text
    assert "任务委托您办理" in inbox and number in inbox


def test_a_deputy_must_be_a_colleague_at_work(signed_in: SignedIn, db: Session) -> None:
    _in_review(signed_in)
    rs = signed_in("rs")
    page = rs.get("/staff/absence").text
    stranger = accounts.find_user(db, username="ga")
    assert stranger is not None
    refused = _post(
        rs,
        "/staff/absence",
        page,
        absent_from="2025-01-01",
        absent_until="2030-12-31",
        deputy=str(stranger.id),
    )
    assert refused.status_code == 422 and "请选择本部门在岗的同事作为代办人" in refused.text
    # nothing was saved: the reviewer is still at work and holds the task
    assert "在岗。" in rs.get("/staff/absence").text


def test_the_timeline_and_the_supervision_list_name_the_holder_to_staff_only(
    signed_in: SignedIn,
) -> None:
    number, task = _in_review(signed_in)
    holder = '<td data-label="经办人">人社审查员</td>'  # who accepted, then holds the review
    assert signed_in("rs-hz").get(f"/staff/tasks/{task}").text.count(holder) == 2
    listed = signed_in("supervisor").get("/supervision/cases", params={"q": number}).text
    assert "审查 · 人社审查员" in listed
    mine = signed_in("zhangsan").get(f"/cases/{number}").text
    assert mine.count(holder) == 1 and '<td data-label="经办人">—</td>' in mine


def test_a_task_nobody_at_work_may_take_is_flagged_to_the_head_and_the_supervisors(
    signed_in: SignedIn, client: TestClient, db: Session
) -> None:
    """Issue 16's trial (fault 3): with the only reviewer away the review opened held by
    no one, and nobody was told; the load page and a message now say so."""
    number = case_number(apply(signed_in("zhangsan"), ITEM, VALID, COMPLETE).text)
    rs = accounts.find_user(db, username="rs")
    assert rs is not None
    rs.absent_from, rs.absent_until = date(2025, 1, 1), date(2030, 12, 31)
    data = StaffCreate(
        username="rs-window",
        password=PASSWORD,
        display_name="人社窗口",
        department_code="RS",
        roles=[Role.clerk],
    )
    accounts.create_staff(db, data=data)
    db.commit()
    clerk = _as(client, "rs-window")
    queue = clerk.get("/staff", params={"view": "department"}).text
    accept = re.search(rf'href="/staff/tasks/(\d+)">{number}<', queue)
    assert accept  # drawn to rs, who is away: the new clerk takes it over (接手)
    page = clerk.get(f"/staff/tasks/{accept.group(1)}").text
    assert _post(clerk, f"/staff/tasks/{accept.group(1)}/take", page).is_success
    page = clerk.get(f"/staff/tasks/{accept.group(1)}").text
    assert _post(clerk, f"/staff/tasks/{accept.group(1)}/accept", page, opinion="受理").is_success
    supervisor = signed_in("supervisor")
    load = supervisor.get("/staff/load").text
    assert "1 件任务无人可办：本部门没有在岗且具有该环节角色的人员" in load
    flagged = load[load.index("无人可办") :]
    assert number in flagged[: flagged.index("</ul>")]
    inbox = supervisor.get("/messages").text
    assert "任务无人可办" in inbox and number in inbox
    assert "任务无人可办" in signed_in("rs-hz").get("/messages").text
    english = signed_in("rs-hz").get("/staff/load", params={"lang": "en"}).text
    assert "1 task nobody can take" in english


def test_the_heads_department_queue_marks_a_task_nobody_at_work_may_take(
    signed_in: SignedIn, db: Session
) -> None:
    """Issue 16 (fault 1): with its only reviewer away, the review stood in the queue
    like any other, and the head's queue did not list it at all."""
    number, task = _in_review(signed_in)
    head = signed_in("rs-hz")
    row = f'href="/staff/tasks/{task}">{number}<'
    assert row not in head.get("/staff").text  # 我的待办: only the head's own stage
    queue = head.get("/staff?view=department").text
    assert row in queue and f'id="unstaffed-{task}"' not in queue  # its holder is at work
    rs = accounts.find_user(db, username="rs")
    assert rs is not None
    rs.absent_from, rs.absent_until = date(2025, 1, 1), date(2030, 12, 31)
    db.commit()
    queue = head.get("/staff?view=department").text
    label = queue[queue.index(row) :]
    assert f'<span class="badge red" id="unstaffed-{task}">无人可办</span>' in label[:1500]
    english = head.get("/staff", params={"view": "department", "lang": "en"}).text
    assert f'id="unstaffed-{task}">Nobody can take it</span>' in english


def test_the_api_task_list_marks_a_task_nobody_at_work_may_take_as_the_queue_page_does(
    signed_in: SignedIn, as_user: Any, db: Session
) -> None:
    """Issue 16: the head's queue page marked 无人可办 but GET /api/v1/tasks, which a
    department system reads, had no such mark; both now say it by the same rule."""
    number, task = _in_review(signed_in)
    head, headers = signed_in("rs-hz"), as_user("rs-hz")

    def listed() -> dict[str, Any]:
        answer = head.get("/api/v1/tasks", headers=headers)
        assert answer.status_code == 200
        return next(t for t in answer.json() if t["id"] == int(task))

    assert listed()["unstaffed"] is False  # its holder is at work
    rs = accounts.find_user(db, username="rs")
    assert rs is not None
    rs.absent_from, rs.absent_until = date(2025, 1, 1), date(2030, 12, 31)
    db.commit()
    flagged = listed()
    assert flagged["unstaffed"] is True and flagged["case_number"] == number
    assert head.get(f"/api/v1/tasks/{task}", headers=headers).json()["unstaffed"] is True
    queue = head.get("/staff?view=department").text
    assert f'id="unstaffed-{task}"' in queue  # the page says the same of it
    described = head.get("/api/v1/openapi.json").json()["components"]["schemas"]["TaskRead"]
    assert "无人可办" in described["properties"]["unstaffed"]["description"]


def test_a_holder_marked_absent_sees_why_instead_of_actions_they_would_be_refused(
    signed_in: SignedIn, db: Session
) -> None:
    """The task page offers actions by the rule the actions check (``refusal_to_act``):
    it showed 同意 to a reviewer marked absent, whose click was then refused."""
    _, task = _in_review(signed_in)
    reviewer = accounts.find_user(db, username="rs")
    reviewer.absent_from = reviewer.absent_until = START.date()
    db.commit()
    page = signed_in("rs").get(f"/staff/tasks/{task}").text
    assert f"/staff/tasks/{task}/agree" not in page
    assert "不在岗，不能办理任务" in page and "取消登记" in page
    english = signed_in("rs").get(f"/staff/tasks/{task}", params={"lang": "en"}).text
    assert "marked absent" in english


def test_a_clerk_marked_absent_is_offered_neither_acceptance_nor_the_check_of_originals(
    signed_in: SignedIn, db: Session
) -> None:
    """The acceptance task page offered 已核验原件 to a clerk marked absent, whose check was
    then refused: every action a page offers follows ``may_act``."""
    number = case_number(apply(signed_in("zhangsan"), ITEM, VALID, COMPLETE).text)
    client = signed_in("rs")
    accept = re.search(rf'href="/staff/tasks/(\d+)">{number}<', client.get("/staff").text)
    assert accept
    path = f"/staff/tasks/{accept.group(1)}"
    assert f'action="{path}/check"' in client.get(path).text
    clerk = accounts.find_user(db, username="rs")
    clerk.absent_from = clerk.absent_until = START.date()
    db.commit()
    page = client.get(path).text
    assert f'action="{path}/check"' not in page and f'action="{path}/accept"' not in page
    assert "不在岗，不能办理任务" in page
