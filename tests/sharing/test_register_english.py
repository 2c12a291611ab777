"""Register fields whose values come from a standard's list read in English on English
pages and in the API's ``fields_en``: 国民经济行业类别 by the titles GB/T 4754-2017 gives
its sections and divisions (餐饮业 → Catering Services), a name reservation's 申报状态 by
its closed list. Found in trial: both stayed Chinese on the English profile."""

from __future__ import annotations

import html
import re
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from tests.sharing.conftest import ACCOUNTS, MINFENG_CREDIT
from tests.web.support import SignedIn
from tongban.catalog.sources import value_en
from tongban.sharing.synthetic import generate
from tongban.sharing.vocabulary import INDUSTRIES

API = "/api/v1"
SOURCES = yaml.safe_load((Path(__file__).parents[2] / "catalog" / "sources.yaml").read_text())
FIELDS = {source["code"]: source["fields"] for source in SOURCES["sources"]}
EIA = "3501-ST-001"  # 环评报告表审批: 国民经济行业类别 pulled from the enterprise register


def test_an_enterprise_profile_gives_its_industry_in_the_standards_english(
    client: TestClient,
    as_user,
    signed_in: SignedIn,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    mine = client.get(f"{API}/profiles/me", headers=as_user("minfeng")).json()
    firm = next(p for p in mine if p["key"] == MINFENG_CREDIT)
    register = next(s for s in firm["sources"] if s["code"] == "enterprise_register")
    industry = register["fields"]["industry_category"]
    assert industry == "餐饮业"  # the demo firm's division of GB/T 4754-2017 (62)
    assert register["fields_en"]["industry_category"] == "Catering Services"
    page = signed_in("minfeng").get("/my/profile?lang=en").text
    main = html.unescape(page[page.index("<main") :])
    assert "<dd>Catering Services</dd>" in main and "<dd>餐饮业</dd>" not in main


def test_a_name_reservation_gives_its_status_and_industry_in_english(
    client: TestClient,
    as_user,
    signed_in: SignedIn,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    mine = client.get(f"{API}/profiles/me", headers=as_user("zhangsan")).json()[0]
    reserved = next(s for s in mine["sources"] if s["code"] == "name_reservation")
    assert reserved["fields"]["status"] == "已申报"
    assert reserved["fields_en"]["status"] == "Declared"
    industry = reserved["fields"]["industry_category"]
    english = reserved["fields_en"]["industry_category"]
    assert english == value_en(FIELDS["name_reservation"]["industry_category"], industry)
    assert not re.search(r"[\u4e00-\u9fff]", english), english
    page = signed_in("zhangsan").get("/my/profile?lang=en").text
    main = html.unescape(page[page.index("<main") :])
    assert "<dt>Declaration status</dt><dd>Declared</dd>" in main
    assert f"<dd>{english}</dd>" in main and f"<dd>{industry}</dd>" not in main


def test_every_industry_the_demo_generates_has_english() -> None:
    for _words, category, _scope in INDUSTRIES:
        for source in ("enterprise_register", "name_reservation"):
            english = value_en(FIELDS[source]["industry_category"], category)
            assert english != category and not re.search(r"[\u4e00-\u9fff]", english), category


def test_a_pulled_industry_reads_in_english_and_the_form_posts_the_register_s_value(
    signed_in: SignedIn, population: dict
) -> None:
    client = signed_in("minfeng")
    client.cookies.set("tongban_lang", "en")
    page = client.get(f"/apply/{EIA}").text
    shown = re.search(r'<input type="text" id="f-industry_category"[^>]*>', page)
    assert shown and 'value="Catering Services"' in shown.group(0) and "readonly" in shown.group(0)
    assert '<input type="hidden" name="industry_category" value="餐饮业">' in page


def test_a_reservations_enterprise_type_and_a_list_of_insurances_read_in_english(
    client: TestClient,
    as_user,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    """Siblings found with the above: a name reservation's 企业类型 had no English though the
    enterprise register's same values had, and 参保险种 (养老保险、医疗保险…) stayed Chinese."""
    sources = {
        s["code"]: s
        for who in ("zhangsan", "lisi")
        for s in client.get(f"{API}/profiles/me", headers=as_user(who)).json()[0]["sources"]
    }
    reserved = sources["name_reservation"]
    assert reserved["fields"]["enterprise_type"].startswith("有限责任公司")
    assert reserved["fields_en"]["enterprise_type"].startswith("Limited liability company")
    insured = sources["social_insurance"]
    assert "、" in insured["fields"]["insurance_types"]
    english = insured["fields_en"]["insurance_types"]
    assert english.startswith("Pension insurance, Medical insurance"), english
    assert not re.search(r"[\u4e00-\u9fff]", english), english


def test_every_closed_list_the_registers_hold_reads_in_english() -> None:
    """Every register field whose values come from a short list (a status, a category, a
    grade) declares the list with its English, so no pulled value stays Chinese on English
    pages: 残疾类别/残疾等级 (GB/T 26341-2010) and 就业状态 had none. A field with many or
    long values (names, addresses, a business scope) is free text and is shown as held."""
    pop = generate(people=3000, enterprises=300, seed=11)
    for code, records in pop.records.items():
        values: dict[str, set[str]] = {}
        for _key, record in records:
            for name, value in record.items():
                if isinstance(value, str) and re.search(r"[\u4e00-\u9fff]", value):
                    values.setdefault(name, set()).add(value)
        for name, seen in values.items():
            if len(seen) > 12 or max(map(len, seen)) > 12:
                continue  # free text
            for value in seen:
                english = value_en(FIELDS[code][name], value)
                assert not re.search(r"[\u4e00-\u9fff]", english), (code, name, value)


def test_some_residents_hold_a_disability_certificate_or_an_ended_employment() -> None:
    """The demo registers behind 残疾人证 and 解除劳动关系证明 hold records (they held none, so
    the guide's 免于提交 never happened), never for a demo account: their own steps stay."""
    pop = generate(people=2000, enterprises=200, seed=5, accounts=ACCOUNTS)
    cards = dict(pop.records["disabled_persons"])
    ended = dict(pop.records["employment_register"])
    assert 60 <= len(cards) <= 200 and len(ended) >= 30
    accounts = {a["id_number"] for a in ACCOUNTS if a.get("id_number")}
    assert not accounts & (set(cards) | set(ended))
    for number, card in cards.items():
        assert card["card_number"][:18] == number and len(card["card_number"]) == 20
    insured = {key for key, _ in pop.records["social_insurance"]}
    assert not insured & set(ended)
    assert {e["employment_status"] for e in ended.values()} == {"失业"}
