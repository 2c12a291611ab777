"""On English pages a value pulled from a register reads in English where the register
declares its closed list (a category, a status: ``enum``/``terms`` with their English in
``sources.yaml``); what the register holds as free text (a name, an address, a business
scope: a field with no such list) is shown as held and marked so, that an English reader
knows why it is Chinese. Found in trial: the 国民经济行业类别 pulled into 环评报告表审批
read Catering Services on the form but 餐饮业 on the review, case and task pages, and a
pulled enterprise name or address stood in Chinese with nothing saying why."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import yaml
from fastapi.testclient import TestClient

from tests.factories import entry, open_task, sign, upload
from tests.licences.support import FOOD, licensed
from tests.web.support import SignedIn
from tongban.demo.samples import fill_form

API = "/api/v1"
HAN = re.compile(r"[\u4e00-\u9fff]")
SOURCES = yaml.safe_load((Path(__file__).parents[2] / "catalog" / "sources.yaml").read_text())
DECLARED = {source["code"]: source for source in SOURCES["sources"]}
EIA = "3501-ST-001"  # 环评报告表审批: enterprise name and industry from the enterprise register
HELD = "as held in the {}"
# (item, applicant, staff who accepts it): forms that pull names, addresses and closed values
PULLING = (
    (EIA, "minfeng", "st"),
    ("3501-RS-003", "zhangsan", "rs"),  # 失业登记: addresses, district, education, employer
    ("3501-MZ-001", "zhangsan", "gldj"),  # 最低生活保障: marital status, district
    ("3501-GJJ-001", "minfeng", "gjj"),  # 单位缴存登记: registered address
)


def _pulled_draft(client: TestClient, headers: dict[str, str], code: str) -> str:
    """A draft of ``code`` as the applicant fills it: what the registers hold pulled in,
    the rest answered, every required material given; its number."""
    spec = entry(client, code)
    created = client.post(f"{API}/cases", json={"code": code, "form_data": {}}, headers=headers)
    assert created.status_code == 201, created.text
    number = str(created.json()["number"])
    pulled = {k: v for k, v in created.json()["form_data"].items() if v not in (None, "")}
    form = {**fill_form(spec["form"]), **pulled}
    saved = client.patch(f"{API}/cases/{number}", json={"form_data": form}, headers=headers)
    assert saved.status_code == 200, saved.text
    for material in spec["materials"]:
        ways = material.get("ways") or ["upload"]
        if material["required"] and "signed" in ways:
            sign(client, headers, number, material["code"])
        if material["required"] and "upload" in ways:
            kind = (material.get("formats") or ["pdf"])[0]
            assert upload(client, headers, number, material["code"], kind=kind).status_code == 201
    return number


def _answers(page: str) -> dict[str, str]:
    """Title → shown value (tags and entities resolved) of a page's 申请信息."""
    start = page.index('<dl class="facts', page.index('id="form-title"'))
    listed = page[start : page.index("</dl>", start)]
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", listed, flags=re.S)
    return {
        html.unescape(title): " ".join(html.unescape(re.sub(r"<[^>]+>", " ", value)).split())
        for title, value in pairs
    }


def _free_text(prop: dict[str, Any]) -> bool:
    """Whether a form property takes free text (no list of choices, nested rows aside)."""
    return prop.get("type") == "string" and not ({"enum", "oneOf", "anyOf"} & set(prop))


def _source_of(prop: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(source, its field) a form property is pulled from first, or None (asked)."""
    ref = prop.get("x-source")
    if ref is None:
        return None
    code, _, name = (ref[0] if isinstance(ref, list) else ref).partition(".")
    return DECLARED[code], DECLARED[code]["fields"][name]


def _check_english_answers(spec: dict[str, Any], shown: dict[str, str]) -> list[str]:
    """What is wrong with the English answers ``shown``: a title in Chinese; a Chinese
    value that is no free text; a pulled free text in Chinese without saying whose it is."""
    by_title = {
        prop.get("title_en", prop["title"]): (name, prop)
        for name, prop in spec["form"]["properties"].items()
    }
    wrong = []
    for title, value in shown.items():
        if HAN.search(title):
            wrong.append(f"title {title}")
            continue
        name, prop = by_title[title]
        if not HAN.search(value):
            continue
        pulled = _source_of(prop)
        if not _free_text(prop) and prop.get("type") != "array":
            wrong.append(f"{name}: a choice in Chinese ({value})")
        elif pulled is not None and {"enum", "terms"} & set(pulled[1]):
            wrong.append(f"{name}: a register's closed value in Chinese ({value})")
        elif pulled is not None and HELD.format(pulled[0]["name_en"]) not in value:
            wrong.append(f"{name}: pulled free text not marked as held ({value})")
    return wrong


def test_a_pulled_industry_reads_in_english_on_the_review_case_and_task_pages(
    client: TestClient, as_user: Any, signed_in: SignedIn, population: dict
) -> None:
    headers = as_user("minfeng")
    number = _pulled_draft(client, headers, EIA)
    applicant = signed_in("minfeng")
    review = _answers(applicant.get(f"/cases/{number}/review?lang=en").text)
    assert review["Industry classification"] == "Catering Services"
    assert client.post(f"{API}/cases/{number}/submit", headers=headers).status_code == 200
    case = _answers(applicant.get(f"/cases/{number}?lang=en").text)
    assert case["Industry classification"] == "Catering Services"
    assert _answers(applicant.get(f"/cases/{number}").text)["国民经济行业类别"] == "餐饮业"
    task = open_task(client, as_user("st"), number, "accept")
    staff = signed_in("st")
    staff.cookies.set("tongban_lang", "en")
    on_task = _answers(staff.get(f"/staff/tasks/{task['id']}").text)
    assert on_task["Industry classification"] == "Catering Services"


def test_a_pulled_name_is_marked_as_held_and_a_typed_one_is_not(
    client: TestClient, as_user: Any, signed_in: SignedIn, population: dict
) -> None:
    headers = as_user("minfeng")
    number = _pulled_draft(client, headers, EIA)
    page = signed_in("minfeng").get(f"/cases/{number}/review?lang=en").text
    shown = _answers(page)
    held = HELD.format("Enterprise register")
    assert shown["Enterprise (organisation) name"] == f"福州闽丰餐饮管理有限公司 {held}"
    assert "as held" not in shown["Project name"]  # typed by the applicant: theirs
    chinese = _answers(signed_in("minfeng").get(f"/cases/{number}/review").text)
    assert chinese["企业(单位)名称"] == "福州闽丰餐饮管理有限公司"


def test_english_case_and_task_pages_keep_chinese_only_in_free_text(
    client: TestClient, as_user: Any, signed_in: SignedIn, population: dict
) -> None:
    """Over forms that pull names, addresses and closed values: on the English review,
    case and task pages every title is English, every choice and every register's closed
    value is English, and a pulled free text in Chinese says it is as the register holds it."""
    wrong: dict[str, list[str]] = {}
    for code, who, staff in PULLING:
        spec = entry(client, code)
        headers = as_user(who)
        number = _pulled_draft(client, headers, code)
        pages = [signed_in(who).get(f"/cases/{number}/review?lang=en").text]
        assert client.post(f"{API}/cases/{number}/submit", headers=headers).status_code == 200
        pages.append(signed_in(who).get(f"/cases/{number}?lang=en").text)
        task = open_task(client, as_user(staff), number, "accept")
        pages.append(signed_in(staff).get(f"/staff/tasks/{task['id']}?lang=en").text)
        for page in pages:
            wrong.setdefault(code, []).extend(_check_english_answers(spec, _answers(page)))
    assert not any(wrong.values()), wrong


def test_a_locked_free_text_on_the_english_form_says_it_is_as_held(
    signed_in: SignedIn, population: dict
) -> None:
    client = signed_in("minfeng")
    client.cookies.set("tongban_lang", "en")
    page = client.get(f"/apply/{EIA}").text
    held = HELD.format("Enterprise register")
    assert f'id="s-enterprise_name">{held}</p>' in page
    assert 'id="s-industry_category">from the Enterprise register</p>' in page  # English
    assert 'id="s-credit_code">from the Enterprise register</p>' in page  # no Chinese in it
    chinese = signed_in("minfeng").get(f"/apply/{EIA}").text
    assert 'id="s-enterprise_name">来自市场主体登记库</p>' in chinese


def _sections(page: str) -> list[tuple[str, str]]:
    """(heading, body up to the next heading) of each source section of a profile page."""
    parts = re.split(r"<h3>(.*?)</h3>", page[page.index("<main") :])
    return list(zip(parts[1::2], parts[2::2], strict=True))


def test_the_english_profile_keeps_chinese_only_in_free_text_and_says_so(
    signed_in: SignedIn, population: dict
) -> None:
    """Every register value on the English profiles of the demo applicants is English but
    free text (no closed list in ``sources.yaml``), and a section showing free text in
    Chinese says it is as that register holds it."""
    by_name = {source["name_en"]: source for source in SOURCES["sources"]}
    wrong = []
    for who in ("zhangsan", "lisi", "minfeng", "zhoulao"):
        client = signed_in(who)
        client.cookies.set("tongban_lang", "en")
        for heading, body in _sections(client.get("/my/profile").text):
            source = by_name.get(html.unescape(heading))
            if source is None:
                continue  # licences, cases, materials, the access log
            titles = {field["title_en"]: field for field in source["fields"].values()}
            held = False
            for title, value in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", body):
                value = html.unescape(value)
                field = titles[html.unescape(title)]
                if HAN.search(value) and {"enum", "terms"} & set(field):
                    wrong.append(f"{who} {source['code']}: {title} {value}")
                held = held or bool(HAN.search(value))
            note = HELD.format(source["name_en"])
            if held and note not in html.unescape(body):
                wrong.append(f"{who} {source['code']}: no note that values are as held")
    assert not wrong, wrong


def test_the_english_profile_names_a_held_licence_in_english(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    """The profile's 电子证照 listed 食品经营许可证 on the English page (the wallet and the
    licence page already named it in English)."""
    number = licensed(client, as_user, FOOD)["number"]
    page = signed_in("minfeng").get("/my/profile?lang=en").text
    listed = re.search(rf'<li><a href="/licences/\d+">([^<]*)</a>\s*{number}', page)
    assert listed is not None and listed.group(1) == "Food business licence", page
    chinese = signed_in("minfeng").get("/my/profile").text
    assert re.search(rf'<li><a href="/licences/\d+">食品经营许可证</a>\s*{number}', chinese)
