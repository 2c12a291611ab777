"""跨域通办: the 思明区 (Xiamen) hall receives a Fuzhou item for a walk-in, checks identity
and materials and forwards it; Fuzhou's department handles it against its own limits;
each region's supervisors see their part and no more."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API, act, open_task
from tests.web.support import ITEM, PDF, VALID, SignedIn, apply, csrf, found
from tongban.accounts.models import User
from tongban.alerts.enums import AlertLevel
from tongban.alerts.recipients import recipients
from tongban.cases.core import access
from tongban.cases.enums import Stage
from tongban.cases.models import Case, Task
from tongban.errors import NotAllowed, NotFound
from tongban.identifiers.divisions import full_name, nested_prefix, within
from tongban.supervision.metrics import dashboard

FILES = {
    "m_ID_CARD": ("id.pdf", PDF, "application/pdf"),
    "m_TERMINATION_PROOF": ("proof.pdf", PDF, "application/pdf"),
}
WALK_IN = {
    "walkin_id_number": VALID["applicant_id_number"],
    "walkin_name": "张三",
    "walkin_phone": VALID["phone"],
}


def _intake(clerk: TestClient, code: str, answers: dict[str, str]) -> Any:
    form = clerk.get(f"/staff/intake/{code}")
    assert form.status_code == 200, form.text
    data = {**WALK_IN, **answers, "csrf_token": csrf(form.text)}
    return clerk.post(f"/staff/intake/{code}", data=data, files=FILES)


def _received_in_siming(signed_in: SignedIn) -> str:
    receipt = _intake(signed_in("sm-clerk"), ITEM, VALID)
    assert receipt.status_code == 200 and "/receipt/" in str(receipt.url), receipt.text
    assert "异地收件" in receipt.text and "转递" in receipt.text
    return found(r"<strong>(\d{20,})</strong>", receipt.text)


def _online_in_fuzhou(signed_in: SignedIn) -> str:
    page = apply(signed_in("zhangsan"), ITEM, VALID, FILES)
    assert page.status_code == 200, page.text
    return page.url.path.rsplit("/", 1)[-1]


def test_divisions_nest_as_gb_t_2260_counts_them() -> None:
    assert nested_prefix("350000") == "35" and nested_prefix("350100") == "3501"
    assert within("350102", "350100") and within("350102", "350000")
    assert not within("350203", "350100") and within("350203", "350203")
    assert full_name("350203") == "厦门市思明区"
    with pytest.raises(ValueError):
        nested_prefix("3501")


def test_a_case_received_in_another_region_is_forwarded_and_handled_here(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = _received_in_siming(signed_in)
    applicant = as_user("zhangsan")
    case = client.get(f"{API}/cases/{number}", headers=applicant).json()
    assert case["lead_department"] == "RS" and case["received_by_department"] == "XMSM"
    assert case["forwarded_at"] is not None and case["channel"] == "window"
    events = client.get(f"{API}/cases/{number}/timeline", headers=applicant).json()["events"]
    forward = next(e for e in events if e["action"] == "case.forward")
    assert forward["at"] == case["forwarded_at"]
    # the handling department accepts and decides, as with any case of its own
    staff = as_user("rs")
    for stage, action, body in [
        ("accept", "accept", {}),
        ("review", "review", {"outcome": "approved", "opinion": "符合条件"}),
    ]:
        response = act(client, staff, open_task(client, staff, number, stage), action, **body)
        assert response.status_code == 200, response.text
    done = client.get(f"{API}/cases/{number}", headers=applicant).json()
    assert done["state"] == "completed"
    page = signed_in("zhangsan").get(f"/cases/{number}")
    assert "厦门市思明区行政服务中心管理委员会异地收件" in page.text


def test_the_receiving_clerk_cannot_act_on_the_handling_departments_tasks(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = _received_in_siming(signed_in)
    clerk = as_user("sm-clerk")
    queue = client.get(f"{API}/tasks", headers=clerk).json()
    assert all(task["case_number"] != number for task in queue)
    task = open_task(client, as_user("rs"), number, "accept")
    refused = act(client, clerk, task, "accept")
    assert refused.status_code in (403, 404), refused.text
    # its part: the case as it forwarded it, read-only
    assert client.get(f"{API}/cases/{number}", headers=clerk).status_code == 200


def test_an_item_off_the_cross_region_list_is_refused_saying_where_to_go(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    clerk = signed_in("sm-clerk")
    code = "3501-GA-004"  # 居住证申领: handled where one lives, not on the list
    page = clerk.get(f"/staff/intake/{code}")
    assert page.status_code == 422
    assert "不在跨域通办事项清单内" in page.text and "福州市公安局" in page.text
    # the clerk is back at the search, the item's name in the box, to look for another
    assert 'action="/staff/intake"' in page.text and 'value="居住证申领' in page.text
    token = csrf(clerk.get(f"/staff/intake/{ITEM}").text)
    refused = clerk.post(
        f"/staff/intake/{code}", data={**WALK_IN, "csrf_token": token, "intent": "start"}
    )
    assert refused.status_code == 422 and "不在跨域通办事项清单内" in refused.text
    assert 'action="/staff/intake"' in refused.text
    # no draft was made for the person
    assert client.get(f"{API}/cases", headers=as_user("zhangsan")).json() == []


def test_a_search_finding_only_items_off_the_list_says_so(signed_in: SignedIn) -> None:
    """Found in trial: 身份证 at the 三明 hall said "no matching items found"."""
    found = signed_in("sm-clerk").get("/staff/intake", params={"q": "居住证"}).text
    assert 'id="only-cross-region"' in found and "本窗口只能代收跨域通办事项" in found
    assert "没有找到相关事项" not in found and "/staff/intake/3501-GA-004" not in found


def test_the_engine_refuses_to_forward_an_item_off_the_list(db: Session, clock: Clock) -> None:
    from tongban.cases import service
    from tongban.errors import InvalidInput
    from tongban.files.store import LocalFileStore

    clerk = db.scalar(select(User).where(User.username == "sm-clerk"))
    person = db.scalar(select(User).where(User.username == "zhangsan"))
    assert clerk is not None and person is not None
    case = service.create_case(
        db, applicant=person, code="3501-GA-004", form_data={}, now=clock.now, created_by=clerk
    )
    with pytest.raises(InvalidInput, match="not on the cross-region list") as refused:
        service.submit_case(
            db, case_id=case.id, user=clerk, now=clock.now, store=LocalFileStore(Path("unused"))
        )
    assert "不在跨域通办事项清单内" in refused.value.message_zh
    assert case.state == "draft" and case.forwarded_at is None


def test_a_hall_within_the_handling_region_receives_without_forwarding(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    receipt = _intake(signed_in("clerk"), ITEM, VALID)
    assert receipt.status_code == 200, receipt.text
    number = found(r"<strong>(\d{20,})</strong>", receipt.text)
    case = client.get(f"{API}/cases/{number}", headers=as_user("zhangsan")).json()
    assert case["received_by_department"] is None and case["forwarded_at"] is None
    assert "异地收件" not in receipt.text


def test_each_regions_supervisor_sees_its_part(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    forwarded = _received_in_siming(signed_in)
    local = _online_in_fuzhou(signed_in)
    siming = as_user("sm-jc")
    assert client.get(f"{API}/cases/{forwarded}", headers=siming).status_code == 200
    assert client.get(f"{API}/cases/{local}", headers=siming).status_code == 404
    platform = as_user("supervisor")
    for number in (forwarded, local):
        assert client.get(f"{API}/cases/{number}", headers=platform).status_code == 200
    page = signed_in("sm-jc")
    listed = page.get("/supervision/cases").text
    assert forwarded in listed and local not in listed
    # the filters offer the region's departments and the one leading its forwarded case,
    # not every department of Fuzhou (choosing one showed 共 0 件)
    offered = set(re.findall(r'<option value="([A-Z]+)"', listed))
    assert {"XMSM", "RS"} <= offered and "GA" not in offered
    dashboard = page.get("/supervision")
    assert dashboard.status_code == 200 and "厦门市思明区（350203）" in dashboard.text
    listed = signed_in("supervisor").get("/supervision/cases").text
    assert forwarded in listed and local in listed


def test_the_receiving_regions_overview_lists_the_overdue_case_it_counts(
    signed_in: SignedIn, clock: Clock
) -> None:
    """An overdue case received in 思明区 and led by Fuzhou is counted as 已超期 in both
    regions' overviews, and both list its overdue task (the figure had no row)."""
    forwarded = _received_in_siming(signed_in)
    clock.advance(days=30)  # far past the acceptance stage's limit
    page = signed_in("sm-jc").get("/supervision").text
    overdue = page[
        page.index('id="overdue-title"') : page.index(
            "</section>", page.index('id="overdue-title"')
        )
    ]
    assert f">{forwarded}</a>" in overdue  # a row for the case the figure counts
    assert "查看全部已超期办件（1 件）" in overdue
    listed = signed_in("sm-jc").get("/supervision/cases", params={"status": "overdue"}).text
    assert forwarded in listed
    assert "含辖区收件、由其他地区部门牵头办理的办件" in overdue  # and says so


def test_the_regions_supervisor_gets_only_its_regions_figures(
    db: Session, clock: Clock, signed_in: SignedIn
) -> None:
    _received_in_siming(signed_in)
    _online_in_fuzhou(signed_in)
    db.expire_all()
    siming = db.scalar(select(User).where(User.username == "sm-jc"))
    platform = db.scalar(select(User).where(User.username == "supervisor"))
    assert siming is not None and platform is not None
    now, tz = clock.now + timedelta(minutes=1), ZoneInfo("Asia/Shanghai")
    region = access.supervised_departments(db, siming)
    assert region is not None and access.supervised_departments(db, platform) is None
    mine = dashboard(db, now=now, tz=tz, departments=region)
    every = dashboard(db, now=now, tz=tz)
    assert sum(mine.by_state.values()) == 1
    assert sum(every.by_state.values()) == 2


def test_an_escalation_reaches_the_supervisors_of_the_departments_region(db: Session) -> None:
    users = {u.username: u.id for u in db.scalars(select(User))}
    fuzhou = recipients(db, department="RS", level=AlertLevel.escalated)
    assert users["supervisor"] in fuzhou and users["sm-jc"] not in fuzhou
    siming = recipients(db, department="XMSM", level=AlertLevel.escalated)
    assert users["supervisor"] in siming and users["sm-jc"] in siming


def test_a_regions_supervisor_lists_ratings_and_the_pages_of_their_own(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    assert client.get(f"{API}/ratings", headers=as_user("sm-jc")).status_code == 200
    page = signed_in("sm-jc")
    for path in ("/staff/ratings", "/supervision", "/supervision/cases", "/supervision/complaints"):
        assert page.get(path).status_code == 200, path
    refused = client.get(f"{API}/ratings", params={"department": "RS"}, headers=as_user("sm-jc"))
    assert refused.status_code == 403


def test_another_regions_hall_finds_only_the_items_it_may_receive(signed_in: SignedIn) -> None:
    siming = signed_in("sm-clerk").get("/staff/intake", params={"q": "失业"}).text
    assert ITEM in siming
    residence = signed_in("sm-clerk").get("/staff/intake", params={"q": "居住证"}).text
    assert "3501-GA-004" not in residence
    fuzhou = signed_in("clerk").get("/staff/intake", params={"q": "居住证"}).text
    assert "3501-GA-004" in fuzhou


def test_a_regions_supervisor_reads_the_reform_figures_of_its_departments(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    _received_in_siming(signed_in)
    siming, platform = as_user("sm-jc"), as_user("supervisor")
    mine = client.get(f"{API}/supervision/reform", headers=siming)
    assert mine.status_code == 200
    assert set(mine.json()["departments"]) <= {"XMSM"}
    assert mine.json()["catalog"]["items"] == 0  # 思明区 offers none of Fuzhou's items
    refused = client.get(f"{API}/supervision/reform", params={"department": "RS"}, headers=siming)
    assert refused.status_code == 403
    every = client.get(f"{API}/supervision/reform", params={"department": "RS"}, headers=platform)
    assert every.status_code == 200 and every.json()["catalog"]["items"] > 0


def _may_act(user: User, task: Task) -> bool:
    try:
        access.check_act(user, task)
    except (NotAllowed, NotFound):
        return False
    return True


def test_the_receiving_halls_clerk_hands_a_forwarded_result_over(
    db: Session, signed_in: SignedIn
) -> None:
    """Where the applicant applied, there they collect: a clerk of the receiving hall may
    act on the forwarded case's hand-over at the window (送达), on no other stage, not on a
    posted result (the handling department posts it), and on no other case."""
    forwarded = db.scalar(select(Case).where(Case.number == _received_in_siming(signed_in)))
    local = db.scalar(select(Case).where(Case.number == _online_in_fuzhou(signed_in)))
    clerk = db.scalar(select(User).where(User.username == "sm-clerk"))
    assert forwarded is not None and local is not None and clerk is not None
    forwarded.delivery = local.delivery = "window"
    for case, stage, allowed in [
        (forwarded, Stage.deliver, True),
        (forwarded, Stage.review, False),
        (local, Stage.deliver, False),
    ]:
        task = SimpleNamespace(id=0, case=case, stage=stage, department_code=case.lead_department)
        assert _may_act(clerk, cast(Task, task)) is allowed, (case.number, stage)
    forwarded.delivery = "mail"
    posted = SimpleNamespace(id=0, case=forwarded, stage=Stage.deliver, department_code="RS")
    assert _may_act(clerk, cast(Task, posted)) is False
