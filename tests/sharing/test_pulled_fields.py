"""Fields on the shared list are pulled, shown filled and locked with their source, and the
server keeps the lock; the applicant's own identity is prefilled; earlier answers are
reused only when the applicant agrees; a department that is down never loses the case."""

from __future__ import annotations

import re

import yaml
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy.orm import Session

from tests.conftest import ROOT
from tests.factories import upload
from tests.sharing.conftest import ZHANGSAN_ID, Department, free_port_url, serve_over_http
from tests.web.support import PDF, VALID, SignedIn, csrf, fill_in
from tongban.sharing import service as sharing

ITEM = "3501-RS-003"  # 失业登记: applicant, household and residence address from 公安人口库
API = "/api/v1"


def _input(html: str, name: str) -> str:
    found = re.search(rf'<input type="[a-z]+" id="f-{name}"[^>]*>', html)
    assert found, f"no input {name}"
    return found.group(0)


def test_pulled_fields_are_filled_and_locked_with_their_source(
    signed_in: SignedIn, db: Session, population: dict
) -> None:
    person = sharing.lookup(db, code="population", key=ZHANGSAN_ID).record
    assert person is not None
    html = signed_in("zhangsan").get(f"/apply/{ITEM}").text
    household = _input(html, "household_address")
    assert f'value="{person["household_address"]}"' in household and " readonly" in household
    assert 'id="s-household_address">来自公安人口库</p>' in html
    name = _input(html, "applicant_name")
    assert 'value="张三"' in name and " readonly" in name
    district = _input(html, "fuzhou_district")  # an enum, locked: shown as text, not a select
    assert f'value="{person["district"]}"' in district and " readonly" in district
    phone = _input(html, "phone")  # the account's own phone: filled, still editable
    assert 'value="13800000001"' in phone and "readonly" not in phone
    assert 'id="s-phone">来自您的账号信息</p>' in html
    employer = re.search(r'<input type="text" id="f-termination_date"', html)
    assert employer is None  # a date stays a date input; nothing else changed


def test_without_a_record_the_identity_is_prefilled_but_nothing_locked(
    signed_in: SignedIn,
) -> None:
    html = signed_in("zhangsan").get(f"/apply/{ITEM}").text
    name = _input(html, "applicant_name")
    assert 'value="张三"' in name and "readonly" not in name
    assert f'value="{ZHANGSAN_ID}"' in _input(html, "applicant_id_number")
    assert "readonly" not in _input(html, "household_address")


def test_the_server_refuses_a_changed_locked_value_and_saves_nothing(
    client: TestClient,
    as_user,
    db: Session,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    headers = as_user("zhangsan")
    created = client.post(f"{API}/cases", json={"code": ITEM, "form_data": {}}, headers=headers)
    assert created.status_code == 201, created.text
    case = created.json()
    assert case["form_data"]["applicant_name"] == "张三"  # pulled in without being sent
    assert case["form_data"]["applicant_id_number"] == ZHANGSAN_ID
    changed = {**case["form_data"], "household_address": "福建省福州市鼓楼区别处1号"}
    response = client.patch(
        f"{API}/cases/{case['number']}", json={"form_data": changed}, headers=headers
    )
    assert response.status_code == 422
    body = response.json()["error"]
    assert [d["field"] for d in body["details"]] == ["household_address"]
    assert body["details"][0]["message_zh"] == "“户籍地址”来自公安人口库，不能修改。"
    again = client.get(f"{API}/cases/{case['number']}", headers=headers).json()
    assert again["form_data"]["household_address"] == case["form_data"]["household_address"]


def locked_inputs(html: str) -> dict[str, str]:
    """name → value of every read-only input on the page (what the browser posts back)."""
    inputs = re.findall(
        r'<input type="text" id="f-[^"]+" name="([^"]+)" value="([^"]*)"([^>]*)>', html
    )
    return {name: value for name, value, rest in inputs if " readonly" in rest}


def test_the_web_form_saves_the_locked_values_it_showed(
    signed_in: SignedIn, db: Session, population: dict
) -> None:
    client = signed_in("zhangsan")
    shown = locked_inputs(client.get(f"/apply/{ITEM}").text)
    assert {"applicant_name", "household_address", "fuzhou_district"} <= set(shown)
    form = {**VALID, **shown}
    files = {"m_ID_CARD": ("id.pdf", PDF, "application/pdf")}
    response = fill_in(client, ITEM, form, files)
    assert response.status_code == 200 and "/review" in str(response.url), response.text[-2000:]
    typed = {**form, "applicant_name": "李四", "phone": "13900000009"}
    tampered = fill_in(client, ITEM, typed, files)
    assert tampered.status_code == 422
    assert 'value="13900000009"' in tampered.text  # the other answers stay as typed
    assert (
        '<p class="error" id="e-applicant_name">“申请人(经办人)姓名”来自公安人口库，不能修改。'
        in (tampered.text)
    )
    assert (
        locked_inputs(tampered.text)["applicant_name"] == "张三"
    )  # the form shows the source's value again


def test_earlier_answers_are_reused_only_with_consent(
    signed_in: SignedIn,
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
) -> None:
    headers = as_user("lisi")
    earlier = {"employer_name": "福州左海贸易有限公司", "education": "大学专科"}
    created = client.post(
        f"{API}/cases", json={"code": ITEM, "form_data": earlier}, headers=headers
    )
    assert created.status_code == 201, created.text
    page = signed_in("lisi")
    plain = page.get("/apply/3501-RS-004").text  # 就业创业证申领 asks the same fields
    assert "福州左海贸易有限公司" not in plain
    assert "我同意使用我以前办件中填写过的信息" in plain
    reused = page.get("/apply/3501-RS-004?reuse=1").text
    assert 'value="福州左海贸易有限公司"' in _input(reused, "employer_name")
    assert 'id="s-employer_name">来自您以前的办件</p>' in reused


def test_a_department_that_is_down_turns_the_field_into_an_input_and_keeps_the_case(
    signed_in: SignedIn, db: Session, population: dict
) -> None:
    serve_over_http(db, "population", free_port_url())
    client = signed_in("zhangsan")
    html = client.get(f"/apply/{ITEM}").text
    assert "readonly" not in _input(html, "household_address")
    assert "公安人口库暂时无法访问（无法连接），请手动填写；办件照常保存，不会丢失。" in html
    files = {"m_ID_CARD": ("id.pdf", PDF, "application/pdf")}
    assert "household_address" not in locked_inputs(html)
    review = fill_in(client, ITEM, {**VALID, **locked_inputs(html)}, files)
    assert review.status_code == 200 and "/review" in str(review.url)
    receipt = client.post(
        re.search(r'action="(/cases/\d+/submit)"', review.text).group(1),  # type: ignore[union-attr]
        data={"csrf_token": csrf(review.text)},
    )
    assert receipt.status_code == 200 and "受理" in receipt.text


def test_a_slow_department_does_not_stop_an_api_application(
    client: TestClient,
    as_user,
    db: Session,
    department: Department,  # type: ignore[no-untyped-def]
) -> None:
    department.mode, department.delay = "slow", 1.0
    serve_over_http(db, "population", department.url, timeout=0.2, retries=0)
    headers = as_user("zhangsan")
    form = dict(VALID)
    created = client.post(f"{API}/cases", json={"code": ITEM, "form_data": form}, headers=headers)
    assert created.status_code == 201, created.text
    number = created.json()["number"]
    assert upload(client, headers, number, "ID_CARD").status_code == 201
    submitted = client.post(f"{API}/cases/{number}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["form_data"]["household_address"] == VALID["household_address"]


def test_reusing_earlier_answers_keeps_the_situations_and_takes_nothing_of_another_company(
    signed_in: SignedIn,
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
) -> None:
    """李四 once applied for a licence for 闽丰 (its code and name on the form): founding her
    own company with her earlier answers must not carry 闽丰's code or name into it."""
    headers = as_user("lisi")
    other = {
        "credit_code": "91350102MA2XQ1K7XN",
        "enterprise_name": "福州闽丰餐饮管理有限公司",
    }
    created = client.post(
        f"{API}/cases", json={"code": "3501-SCJG-002", "form_data": other}, headers=headers
    )
    assert created.status_code == 201, created.text
    page = signed_in("lisi")
    answers = "s_premises=leased&s_agent=agent&s_seal=now&s_invoice=now&s_staff=now"
    plain = page.get(f"/apply/3501-BUNDLE-QYKB?{answers}").text
    reuse_form = plain.split('<form method="get" class="reuse">', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="s_premises" value="leased">' in reuse_form
    reused = page.get(f"/apply/3501-BUNDLE-QYKB?{answers}&reuse=1")
    assert reused.status_code == 200 and "在线申请" in reused.text  # not sent back to questions
    form = reused.text.split('<form method="post"', 1)[1]  # the choice above may name it
    assert "91350102MA2XQ1K7XN" not in form
    assert "福州闽丰餐饮管理有限公司" not in form


def test_filling_in_earlier_answers_says_what_it_filled_or_why_nothing(
    signed_in: SignedIn,
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
) -> None:
    """Fault 14: 填入以前的信息 did nothing and said nothing when the earlier cases were
    about a company. It says why, offers the company's answers, and says what it filled."""
    page = signed_in("lisi")
    none_yet = page.get("/apply/3501-RS-004?reuse=1").text
    assert "没有填入任何信息：您以前没有办件。" in none_yet
    earlier = {
        "credit_code": "91350102MA2XQ1K7XN",
        "enterprise_name": "福州闽丰餐饮管理有限公司",
        "legal_rep_name": "王五",
    }
    created = client.post(
        f"{API}/cases",
        json={"code": "3501-SCJG-002", "form_data": earlier},
        headers=as_user("lisi"),
    )
    assert created.status_code == 201, created.text
    own = page.get("/apply/3501-RS-004?reuse=1").text
    assert "没有填入任何信息：您以前的办件是为其他主体（福州闽丰餐饮管理有限公司）办理的。" in own
    assert '<option value="91350102MA2XQ1K7XN">福州闽丰餐饮管理有限公司</option>' in own
    chosen = page.get(
        "/apply/3501-SCJG-002?s_agent=self&reuse=1&reuse_from=91350102MA2XQ1K7XN"
    ).text
    assert 'value="福州闽丰餐饮管理有限公司"' in _input(chosen, "enterprise_name")
    assert "已从您以前的办件填入 2 项：" in chosen and "请核对后再提交。" in chosen
    english = page.get("/apply/3501-RS-004?reuse=1&lang=en").text
    assert "Nothing was filled in: your earlier applications were for someone else" in english


def test_a_locked_choice_reads_in_english_and_the_form_still_posts_its_value(
    signed_in: SignedIn, db: Session, population: dict
) -> None:
    """A pulled value of a form's list (所属区: 鼓楼区) showed in Chinese on the English form;
    it reads as the catalog's English (``enum_en``), while the form posts the value itself,
    which the server keeps locked."""
    person = sharing.lookup(db, code="population", key=ZHANGSAN_ID).record
    assert person is not None
    item = yaml.safe_load((ROOT / "catalog" / "items" / f"{ITEM}.yaml").read_text("utf-8"))
    choice = item["form"]["properties"]["fuzhou_district"]
    english = escape(choice["enum_en"][choice["enum"].index(person["district"])])
    client = signed_in("zhangsan")
    client.cookies.set("tongban_lang", "en")
    html = client.get(f"/apply/{ITEM}").text
    district = _input(html, "fuzhou_district")
    assert f'value="{english}"' in district and " readonly" in district
    assert "name=" not in district  # what is shown is not what is posted
    kept = f'<input type="hidden" name="fuzhou_district" value="{person["district"]}">'
    assert kept in html
    form = {**VALID, **locked_inputs(html), "fuzhou_district": str(person["district"])}
    files = {"m_ID_CARD": ("id.pdf", PDF, "application/pdf")}
    review = fill_in(client, ITEM, form, files)
    assert review.status_code == 200 and "/review" in str(review.url), review.text[-2000:]
    assert english in review.text
