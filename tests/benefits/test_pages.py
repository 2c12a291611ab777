"""The pages of proactive benefits: the guide of 3501-MZ-002 (no apply button, how it
works), my benefits with the one-click button, and the staff's run button."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.benefits.conftest import NOW, ZHOULAO
from tests.web.support import SignedIn, csrf
from tongban.audit.service import SYSTEM
from tongban.benefits import service as benefits
from tongban.benefits.models import BenefitOffer, BenefitRun
from tongban.cases.models import Case

ALLOWANCE = "3501-MZ-002"


def test_the_guide_of_3501_mz_002_says_how_it_works_and_offers_no_application(
    signed_in: SignedIn,
) -> None:
    client = signed_in("zhoulao")
    page = client.get(f"/items/{ALLOWANCE}")
    assert page.status_code == 200
    html = page.text
    assert "免申即享（无需申请）" in html and "一键确认" in html
    assert "年满80周岁" in html and "本市户籍" in html
    assert "/apply/" not in html and "在线办理" not in html
    assert 'href="/my/benefits"' in html
    # no official handles a grant: the stages said 民政局 accepts and decides in 1 working day
    process = html.split("办理流程")[-1].split("办理结果")[0]
    assert "系统（免申即享政策核定）" in process and "即时办结" in process
    assert "福州市民政局" not in process and "1 个工作日" not in process
    # 112 of 113 eligible people had no account and were never told; the page says so
    assert "还没有本平台账号的，系统无法通知您" in html
    subsidy = client.get("/items/3501-RS-006").text
    assert "还没有本平台账号的，注册并完成实名认证后，由下一次比对（每月初）直接发放。" in subsidy


@pytest.mark.parametrize("path", [f"/apply/{ALLOWANCE}", f"/staff/intake/{ALLOWANCE}"])
def test_the_application_forms_of_a_proactive_item_say_why_there_is_none(
    signed_in: SignedIn, path: str
) -> None:
    client = signed_in("clerk" if path.startswith("/staff") else "zhoulao")
    page = client.get(path)
    assert page.status_code == 409
    assert "免申即享，无需申请" in page.text


def test_the_api_refuses_an_application_for_it(client, as_user) -> None:  # type: ignore[no-untyped-def]
    response = client.post(
        "/api/v1/cases", json={"code": ALLOWANCE, "form_data": {}}, headers=as_user("zhoulao")
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "proactive_entry"


@pytest.mark.usefixtures("profiles")
def test_staff_run_the_policy_and_the_person_accepts_with_one_click(
    signed_in: SignedIn, db: Session
) -> None:
    staff = signed_in("mz-hz")  # the department's approver runs its policies
    runs = staff.get("/benefits/runs")
    assert runs.status_code == 200 and "高龄津贴" in runs.text and "尚未运行" in runs.text
    posted = staff.post(
        f"/benefits/runs/{ALLOWANCE}",
        data={"period": "2026-11", "csrf_token": csrf(runs.text)},
        follow_redirects=True,
    )
    assert posted.status_code == 200 and "尚未运行" not in posted.text
    assert db.scalar(select(BenefitRun.actor_name)) is not None

    person = signed_in("zhoulao")
    mine = person.get("/my/benefits")
    assert "一键确认享受" in mine.text
    action = re.search(r'action="(/my/benefits/\d+/accept)"', mine.text)
    assert action is not None
    done = person.post(
        action.group(1), data={"csrf_token": csrf(mine.text)}, follow_redirects=False
    )
    assert done.status_code == 303, done.text[-3000:]
    number = done.headers["location"].rsplit("/", 1)[-1]
    case_page = person.get(f"/cases/{number}")
    assert case_page.status_code == 200 and "高龄津贴享受确认书" in case_page.text
    assert "一键确认享受" in case_page.text  # the timeline names the step
    offer = db.scalar(select(BenefitOffer).where(BenefitOffer.subject_key == ZHOULAO))
    assert offer is not None
    db.refresh(offer)
    assert offer.state == "granted"
    assert db.scalar(select(Case.state).where(Case.number == number)) == "completed"
    after = person.get("/my/benefits")
    assert "已享受" in after.text and number in after.text


@pytest.mark.usefixtures("profiles")
def test_staff_of_another_department_cannot_run_it(signed_in: SignedIn) -> None:
    staff = signed_in("rs")
    runs = staff.get("/benefits/runs")
    assert "高龄津贴" not in runs.text and "创业补贴" in runs.text
    refused = staff.post(
        f"/benefits/runs/{ALLOWANCE}", data={"period": "2026-11", "csrf_token": csrf(runs.text)}
    )
    assert refused.status_code == 403


@pytest.mark.usefixtures("profiles")
def test_a_wrong_period_is_refused_with_how_to_write_it(signed_in: SignedIn) -> None:
    staff = signed_in("mz-hz")  # the department's approver runs its policies
    runs = staff.get("/benefits/runs")
    refused = staff.post(
        f"/benefits/runs/{ALLOWANCE}", data={"period": "2026-13", "csrf_token": csrf(runs.text)}
    )
    assert refused.status_code == 422 and "2026-11" in refused.text


@pytest.mark.usefixtures("profiles")
def test_the_policy_and_its_grant_read_in_english(
    signed_in: SignedIn,
    client,
    as_user,
    db: Session,  # type: ignore[no-untyped-def]
) -> None:
    """The guide's policy text and conditions and the grant's opinions were Chinese on
    English pages."""
    guide = signed_in("zhoulao").get(f"/items/{ALLOWANCE}?lang=en").text
    assert "At the start of each month the system checks the police population register" in guide
    assert "Aged 80 or over (by the last day of the month)" in guide
    assert "年满80周岁(至当月最后一日)" not in guide
    runtime = client.app.state.runtime
    period = benefits.Period.parse("2026-11")
    benefits.run_policy(
        db, code=ALLOWANCE, period=period, actor=SYSTEM, now=NOW, store=runtime.store
    )
    db.commit()
    headers = as_user("zhoulao")
    [offer] = client.get("/api/v1/benefits/offers", headers=headers).json()
    number = client.post(f"/api/v1/benefits/offers/{offer['id']}/accept", headers=headers).json()[
        "case_number"
    ]
    events = client.get(f"/api/v1/cases/{number}/timeline", headers=headers).json()["events"]
    approve = next(e for e in events if e["action"] == "case.approve")
    assert approve["opinion_en"].startswith("Proactive benefit: shared data show the conditions")
    assert "Aged 80 or over" in approve["opinion_en"]
