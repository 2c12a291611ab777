"""Profiles and the data-access log: the person sees who pulled their data and why; no
other applicant sees it; staff read a profile only through a case they handle, logged."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import open_task
from tests.licences.support import FOOD, licensed
from tests.sharing.conftest import MINFENG_CREDIT, ZHANGSAN_ID
from tests.web.support import SignedIn, csrf
from tongban.accounts.models import User
from tongban.pii.service import mask_id
from tongban.sharing import service as sharing
from tongban.sharing.models import DataAccess

ITEM = "3501-RS-003"
API = "/api/v1"


def _zhangsan_case(client: TestClient, headers: dict[str, str]) -> dict:
    created = client.post(f"{API}/cases", json={"code": ITEM, "form_data": {}}, headers=headers)
    assert created.status_code == 201, created.text
    return dict(created.json())


def test_a_pull_is_logged_with_who_which_case_which_fields_and_why(
    client: TestClient,
    as_user,
    db: Session,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    case = _zhangsan_case(client, as_user("zhangsan"))
    rows = db.scalars(select(DataAccess).where(DataAccess.subject_key == ZHANGSAN_ID)).all()
    # the form's pull (a draft's own ID_CARD check is logged apart, as a material)
    population_row = next(r for r in rows if r.source == "population" and "填写申请表" in r.purpose)
    assert population_row.actor_name == "张三" and population_row.outcome == "found"
    assert population_row.case_id is not None
    assert {"name", "id_number", "household_address"} <= set(population_row.fields)
    assert population_row.purpose == f"办理“失业登记”（办件 {case['number']}）填写申请表"
    client.patch(
        f"{API}/cases/{case['number']}",
        json={"form_data": case["form_data"]},
        headers=as_user("zhangsan"),
    )
    again = db.scalars(select(DataAccess).where(DataAccess.subject_key == ZHANGSAN_ID)).all()
    assert len(again) == len(rows)  # saving the same draft again adds no duplicate rows


def test_the_person_sees_the_log_and_no_other_applicant_does(
    client: TestClient,
    as_user,
    signed_in: SignedIn,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    case = _zhangsan_case(client, as_user("zhangsan"))
    mine = client.get(f"{API}/profiles/me", headers=as_user("zhangsan")).json()
    assert [p["kind"] for p in mine] == ["person"]
    assert mine[0]["key"] == ZHANGSAN_ID
    assert mine[0]["sources"][0]["fields"]["name"] == "张三"
    assert any(case["number"] in a["purpose"] for a in mine[0]["accesses"])
    assert [c["number"] for c in mine[0]["cases"]] == [case["number"]]
    others = client.get(f"{API}/profiles/me", headers=as_user("lisi")).json()
    assert all(case["number"] not in a["purpose"] for p in others for a in p["accesses"])
    assert all(p["key"] != ZHANGSAN_ID for p in others)
    page = signed_in("zhangsan").get("/my/profile").text
    assert "谁查看了我的数据" in page and case["number"] in page and "公安人口库" in page
    other_page = signed_in("lisi").get("/my/profile").text
    assert case["number"] not in other_page and ZHANGSAN_ID not in other_page


def test_an_enterprise_account_sees_its_enterprise_profile(
    client: TestClient,
    as_user,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    mine = client.get(f"{API}/profiles/me", headers=as_user("minfeng")).json()
    assert [p["kind"] for p in mine] == ["enterprise", "person"]
    enterprise = mine[0]
    assert enterprise["key"] == MINFENG_CREDIT and enterprise["name"] == "福州闽丰餐饮管理有限公司"
    sources = {s["code"]: s["fields"] for s in enterprise["sources"]}
    assert sources["enterprise_register"]["legal_rep_name"] == "王五"
    assert "tax" in sources and "credit" in sources


def test_staff_read_a_profile_only_through_a_case_they_handle_and_it_is_logged(
    client: TestClient,
    as_user,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    from tests.factories import upload

    headers = as_user("zhangsan")
    case = _zhangsan_case(client, headers)
    number = case["number"]
    form = {**case["form_data"], "termination_date": "2025-09-01", "phone": "13800000001"}
    saved = client.patch(f"{API}/cases/{number}", json={"form_data": form}, headers=headers)
    assert saved.status_code == 200, saved.text
    assert upload(client, headers, number, "ID_CARD").status_code == 201
    submitted = client.post(f"{API}/cases/{number}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    body = {"purpose": "核对户籍地址"}
    other = client.post(f"{API}/cases/{number}/profile", json=body, headers=as_user("scjg"))
    assert other.status_code == 404  # 市场监管 does not handle this case: not even its existence
    applicant = client.post(f"{API}/cases/{number}/profile", json=body, headers=headers)
    assert applicant.status_code == 403
    assert open_task(client, as_user("rs"), number, "accept")
    read = client.post(f"{API}/cases/{number}/profile", json=body, headers=as_user("rs"))
    assert read.status_code == 200, read.text
    assert read.json()["name"] == "张三" and read.json()["accesses"] == []
    log = client.get(f"{API}/profiles/me", headers=headers).json()[0]["accesses"]
    assert (
        log[0]["actor"] == "RS 人社审查员" and log[0]["purpose"] == f"办件 {number}：核对户籍地址"
    )
    blank = client.post(
        f"{API}/cases/{number}/profile", json={"purpose": " "}, headers=as_user("rs")
    )
    assert blank.status_code == 422
    # trial10 fault 7: a case that ended is no longer handled, so it opens no profile
    withdrawn = client.post(f"{API}/cases/{number}/withdraw", headers=headers)
    assert withdrawn.status_code == 200, withdrawn.text
    ended = client.post(f"{API}/cases/{number}/profile", json=body, headers=as_user("rs"))
    assert ended.status_code == 403 and "已经结束" in ended.json()["error"]["message"]


def test_the_task_page_offers_the_profile_with_a_reason(
    client: TestClient,
    as_user,
    signed_in: SignedIn,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    from tests.factories import upload

    headers = as_user("zhangsan")
    case = _zhangsan_case(client, headers)
    number = case["number"]
    form = {**case["form_data"], "termination_date": "2025-09-01", "phone": "13800000001"}
    client.patch(f"{API}/cases/{number}", json={"form_data": form}, headers=headers)
    upload(client, headers, number, "ID_CARD")
    assert client.post(f"{API}/cases/{number}/submit", headers=headers).status_code == 200
    task = open_task(client, as_user("rs"), number, "accept")
    page = signed_in("rs")
    html = page.get(f"/staff/tasks/{task['id']}").text
    assert f'action="/cases/{number}/profile"' in html
    empty = page.post(f"/cases/{number}/profile", data={"csrf_token": csrf(html), "purpose": ""})
    assert empty.status_code == 422 and "请填写查看档案的事由" in empty.text
    shown = page.post(
        f"/cases/{number}/profile", data={"csrf_token": csrf(html), "purpose": "核对"}
    )
    assert shown.status_code == 200 and "申请人档案" in shown.text and "公安人口库" in shown.text
    assert "本次查看已记录" in shown.text


def test_a_profile_lists_the_e_licences_its_subject_holds(
    client: TestClient,
    as_user,
    signed_in: SignedIn,  # type: ignore[no-untyped-def]
    db: Session,
) -> None:
    minfeng = db.scalars(select(User).where(User.username == "minfeng")).one()
    minfeng.identity_verified_at = START  # 实名认证 passed: it may see what its code holds
    db.commit()
    result = licensed(client, as_user, FOOD)  # 民丰's 食品经营许可证, issued by 市场监管
    mine = client.get(f"{API}/profiles/me", headers=as_user("minfeng")).json()
    held = {each["number"]: each for p in mine for each in p["licences"]}
    assert held[result["number"]]["status"] == "valid"
    page = signed_in("minfeng").get("/my/profile").text
    assert "电子证照" in page and result["number"] in page
    assert f'href="/licences/{held[result["number"]]["id"]}"' in page
    others = client.get(f"{API}/profiles/me", headers=as_user("lisi")).json()
    assert all(each["number"] != result["number"] for p in others for each in p["licences"])


def test_the_profile_shows_every_licence_of_the_wallet_and_the_founded_company(
    client: TestClient,
    as_user,
    signed_in: SignedIn,  # type: ignore[no-untyped-def]
    db: Session,
) -> None:
    """The fault as found: 我的档案 said 暂无电子证照 while 我的证照 listed the licences of
    the company the applicant founded; now that company has its profile (一企一档) with
    its licences and the cases that issued them. 闽丰's account is unverified here (as
    the demo loads it), so it does not stand for the company it founds."""
    minfeng = db.scalar(select(User).where(User.username == "minfeng"))
    assert minfeng is not None
    minfeng.identity_verified_at = None
    db.commit()
    business = licensed(client, as_user, "3501-SCJG-001")
    headers = as_user("minfeng")
    rows = client.get(f"{API}/licences", headers=headers).json()
    wallet = {row["number"] for row in rows}
    profiles = client.get(f"{API}/profiles/me", headers=headers).json()
    shown = {held["number"] for profile in profiles for held in profile["licences"]}
    assert business["number"] in wallet and shown == wallet
    founded = next(p for p in profiles if p["key"] == business["number"])
    assert founded["kind"] == "enterprise" and founded["through_cases"] is True
    assert [c["number"] for c in founded["cases"]] == [business["case_number"]]
    assert founded["sources"] == [] and founded["accesses"] == []
    page = signed_in("minfeng").get("/my/profile").text
    assert f"{business['number']}</p>" in page  # the founded company's own heading
    assert all(f'href="/licences/{row["id"]}"' in page for row in rows)


def test_yes_or_no_facts_of_a_source_read_as_words(
    signed_in: SignedIn, db: Session, population: dict[str, int]
) -> None:
    """A register's true/false fact (无欠税) reads 是 or 否 on the profile, never True/False."""
    from tests.instant.conftest import set_record

    minfeng = db.scalars(select(User).where(User.username == "minfeng")).one()
    minfeng.identity_verified_at = START
    db.commit()
    set_record(db, "tax", MINFENG_CREDIT, {"tax_cleared": True})
    page = signed_in("minfeng").get("/my/profile").text
    assert "<dt>无欠税</dt><dd>是</dd>" in page
    assert ">True<" not in page and ">False<" not in page


def test_the_enterprise_profile_masks_its_legal_representatives_id_number(
    db: Session, population: dict, signed_in: SignedIn
) -> None:
    """The company's account reads its register record, not its representative's full ID."""
    minfeng = db.scalars(select(User).where(User.username == "minfeng")).one()
    minfeng.identity_verified_at = START
    db.commit()
    record = sharing.lookup(db, code="enterprise_register", key=MINFENG_CREDIT).record
    assert record is not None and record["legal_rep_id_number"]
    number = record["legal_rep_id_number"]
    page = signed_in("minfeng").get("/my/profile").text
    shown = "<dt>法定代表人公民身份号码</dt><dd>{}</dd>"
    assert shown.format(mask_id(number)) in page and shown.format(number) not in page


def test_the_access_log_names_the_fields_read_and_its_reasons_in_english(
    client: TestClient,
    as_user,
    signed_in: SignedIn,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    case = _zhangsan_case(client, as_user("zhangsan"))
    number = case["number"]
    mine = client.get(f"{API}/profiles/me", headers=as_user("zhangsan")).json()[0]
    pulled = next(
        a for a in mine["accesses"] if a["source"] == "population" and "ID_CARD" not in a["fields"]
    )
    assert (
        pulled["purpose_en"]
        == f"Filling in the form of 'Unemployment registration' (case {number})"
    )
    person = signed_in("zhangsan")
    page = person.get("/my/profile").text
    log = page[page.index('id="access-log"') :]
    assert "读取的数据项" in log and "户籍地址" in log and "公民身份号码" in log
    english = person.get("/my/profile", headers={"Accept-Language": "en"}).text
    log = html.unescape(english[english.index('id="access-log"') :])
    assert (
        "Fields read" in log
        and "Household registration address" in log
        and "Population register" in log
    )
    assert f"Filling in the form of 'Unemployment registration' (case {number})" in log
    assert "填写申请表" not in log


def test_an_enterprises_profile_shows_its_kind_of_market_entity(
    signed_in,  # type: ignore[no-untyped-def]
    population: dict,  # type: ignore[type-arg]
) -> None:
    """The kind (市场主体类型) decides whether a licence may name a person instead of the
    enterprise's code; the enterprise reads it at the top of its profile."""
    page = signed_in("minfeng").get("/my/profile").text
    kind = re.search(r'<p class="market-kind">市场主体类型：<strong>(.+?)</strong>', page)
    assert kind and kind.group(1).startswith("有限责任公司"), page
    english = signed_in("minfeng")
    english.cookies.set("tongban_lang", "en")
    assert "Kind of market entity" in english.get("/my/profile").text


def test_the_founder_reads_the_founded_company_s_shared_data_and_access_log(
    client: TestClient,
    as_user,
    signed_in: SignedIn,  # type: ignore[no-untyped-def]
    db: Session,
) -> None:
    """Fault 15: a company founded by a person had a profile nobody could read (no
    enterprise account exists for it). Its founder (and legal representative) reads its
    register record and who looked at its data; another applicant does not."""
    zhangsan = db.scalars(select(User).where(User.username == "zhangsan")).one()
    zhangsan.identity_verified_at = START
    db.commit()
    business = licensed(client, as_user, "3501-SCJG-001", applicant="zhangsan")
    profiles = client.get(f"{API}/profiles/me", headers=as_user("zhangsan")).json()
    founded = next(p for p in profiles if p["key"] == business["number"])
    assert founded["through_cases"] is True and founded["represented"] is True
    register = next(s for s in founded["sources"] if s["code"] == "enterprise_register")
    assert register["fields"]["credit_code"] == business["number"]
    page = signed_in("zhangsan").get("/my/profile").text
    section = page[page.index(f"{business['number']}</p>") :]
    assert "您是该企业的法定代表人或创办人，可以查看其共享数据、电子证照和查看记录。" in section
    assert "市场主体登记库" in section and 'id="access-log-' in section
    assert "只向其本人（本企业）的账号显示" not in section
    others = client.get(f"{API}/profiles/me", headers=as_user("lisi")).json()
    assert all(p["key"] != business["number"] for p in others)


def test_the_english_profile_names_sources_fields_states_and_the_system_in_english(
    client: TestClient,
    as_user,
    signed_in: SignedIn,
    db: Session,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    """trial10, fault 12: /my/profile in English still showed 公安人口库, 公民身份号码,
    审查中 / 草稿 and the actor 系统."""
    case = _zhangsan_case(client, as_user("zhangsan"))
    sharing_row = DataAccess(
        at=START,
        source="population",
        subject_key=ZHANGSAN_ID,
        record_key=mask_id(ZHANGSAN_ID),
        actor_id=None,
        actor_name="系统",
        case_id=None,
        fields=["name"],
        purpose="免申即享：比对条件",
        purpose_en="Benefit without application: checking the conditions",
        outcome="found",
    )
    db.add(sharing_row)
    db.commit()
    english = signed_in("zhangsan").get("/my/profile?lang=en").text
    main = html.unescape(english[english.index("<main") :])
    assert "<h3>Population register</h3>" in main and "<dt>Citizen ID number</dt>" in main
    assert f"{case['number']}</a>" in main and "Draft" in main
    for chinese in ("公安人口库", "公民身份号码", "草稿", ">系统<"):
        assert chinese not in main, chinese
    assert ">System<" in main


def test_the_api_names_the_platform_in_english_where_it_read_the_data(
    client: TestClient,
    as_user,
    db: Session,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    """An English app showed 系统 as the reader of a proactive-benefit check: the log's
    ``actor`` has its English (``actor_en``); a person's name has none (shown as written)."""
    sharing.log_access(
        db,
        at=START,
        fields={"population": ["name"]},
        subject_key=ZHANGSAN_ID,
        case_id=None,
        purpose="免申即享：比对条件",
        purpose_en="Benefit without application: checking the conditions",
    )
    db.commit()
    log = client.get(f"{API}/profiles/me", headers=as_user("zhangsan")).json()[0]["accesses"]
    assert [(a["actor"], a["actor_en"]) for a in log] == [("系统", "System")]


def test_a_registers_closed_values_read_in_english_on_the_english_profile_and_api(
    client: TestClient,
    as_user,
    signed_in: SignedIn,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    """The English profile showed 男, 鼓楼区 and 大学本科 from the population register: a
    source field with a closed set of values declares their English (``enum_en`` in
    ``sources.yaml``), shown where the reader reads English; a free value (a name, an
    address) stays as the register holds it."""
    mine = client.get(f"{API}/profiles/me", headers=as_user("zhangsan")).json()[0]
    people = next(s for s in mine["sources"] if s["code"] == "population")
    assert people["fields"]["gender"] == "男" and people["fields_en"]["gender"] == "Male"
    assert people["fields"]["district"] == "鼓楼区"
    assert people["fields_en"]["district"] == "Gulou District"
    assert people["fields_en"]["name"] == people["fields"]["name"] == "张三"
    education = people["fields"]["education"]
    english = signed_in("zhangsan").get("/my/profile?lang=en").text
    main = html.unescape(english[english.index("<main") :])
    assert "<dt>Gender</dt><dd>Male</dd>" in main
    assert "<dt>Household district</dt><dd>Gulou District</dd>" in main
    assert (
        f"<dd>{education}</dd>" not in main
        and f"<dd>{people['fields_en']['education']}</dd>" in main
    )
    chinese = signed_in("zhangsan").get("/my/profile").text
    assert "<dt>性别</dt><dd>男</dd>" in chinese and f"<dd>{education}</dd>" in chinese
