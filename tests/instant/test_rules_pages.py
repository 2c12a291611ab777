"""The catalog admin's page of an item's decision table: the table as a grid anyone can
read, and the dry run of a changed table showing which outcomes would change."""

from __future__ import annotations

import html
import re

import yaml

from tests.catalog.conftest import CATALOG
from tests.instant.test_dry_run import CASES
from tests.web.support import SignedIn, csrf
from tongban.catalog.loader import read_catalog

CGJ = "3501-CGJ-001"


def _text(page: str) -> str:
    found = re.search(r'<textarea id="rules-text"[^>]*>(.*?)</textarea>', page, re.S)
    assert found
    return html.unescape(found.group(1))


def test_the_table_reads_as_a_grid_with_its_hit_policy(signed_in: SignedIn) -> None:
    admin = signed_in("admin")
    assert 'href="/admin/catalog/3501-CGJ-001/rules"' in admin.get(f"/admin/catalog/{CGJ}").text
    page = admin.get(f"/admin/catalog/{CGJ}/rules").text
    assert "按顺序取第一条成立的规则" in page
    assert "登记状态（市场主体登记库）" in page  # column titled from sources.yaml
    assert "∉ {存续、在业}" in page and "&lt; 【运输起始日期】" in page  # a field by its title
    assert "准予备案" in page
    assert "不予备案" in page and "不予许可" not in page  # a 备案 is no 行政许可
    assert signed_in("zhangsan").get(f"/admin/catalog/{CGJ}/rules").status_code in (403, 404)


def test_a_dry_run_shows_the_outcomes_a_changed_table_would_change(signed_in: SignedIn) -> None:
    admin = signed_in("admin")
    page = admin.get(f"/admin/catalog/{CGJ}/rules").text
    text = _text(page).replace("gt: 50000", "gt: 1000")
    cases = yaml.safe_dump(CASES, allow_unicode=True)
    form = {"csrf_token": csrf(page), "text": text, "source": "file", "cases": cases}
    result = admin.post(f"/admin/catalog/{CGJ}/rules/dry-run", data=form)
    assert result.status_code == 200, result.text
    assert "共 2 件，结论改变 1 件，与预期不符 1 件。" in result.text
    assert "预计运输量超过5万立方米" in result.text  # the candidate's row, reason unchanged
    unchanged = admin.post(
        f"/admin/catalog/{CGJ}/rules/dry-run", data={**form, "text": _text(page)}
    )
    assert "结论改变 0 件，与预期不符 0 件" in unchanged.text


def test_a_broken_table_is_refused_with_what_to_fix_and_kept(signed_in: SignedIn) -> None:
    admin = signed_in("admin")
    page = admin.get(f"/admin/catalog/{CGJ}/rules").text
    text = _text(page).replace("field: waste_volume_m3", "field: waste_weight")
    form = {"csrf_token": csrf(page), "text": text, "source": "recent", "days": "30"}
    result = admin.post(f"/admin/catalog/{CGJ}/rules/dry-run", data=form)
    assert result.status_code == 422
    assert "waste_weight" in result.text and "既不是表单字段" in result.text
    assert "field: waste_weight" in _text(result.text)  # nothing typed is lost
    days = admin.post(
        f"/admin/catalog/{CGJ}/rules/dry-run", data={**form, "text": _text(page), "days": "0"}
    )
    assert days.status_code == 422 and "天数须是 1 到 3650 之间的整数" in days.text
    recent = admin.post(f"/admin/catalog/{CGJ}/rules/dry-run", data={**form, "text": _text(page)})
    assert "共 0 件" in recent.text


def test_submitting_an_instant_case_from_the_page_shows_the_decision_on_the_receipt(
    signed_in: SignedIn,
    client,
    as_user,
    db,
    population,  # type: ignore[no-untyped-def]
) -> None:
    from tests.instant.conftest import ZHANGSAN_ID, apply, set_record

    set_record(db, "social_insurance", ZHANGSAN_ID, {"status": "正常参保"})
    filing = {
        "destination_province": "广东省",
        "destination_city": "深圳市",
        "filing_type": "异地长期居住人员",
        "filing_start_date": "2025-09-25",
    }
    case = apply(client, as_user("zhangsan"), "3501-YB-003", filing)
    page = signed_in("zhangsan").get(f"/cases/{case['number']}/receipt").text
    assert "即时作出决定（秒批）" in page and "窗口在受理期限前审查申请材料" not in page
    status = signed_in("zhangsan").get(f"/cases/{case['number']}").text
    assert "参保状态正常，就医地在省外，准予备案" in status


def test_the_table_reads_in_english_on_english_pages(signed_in: SignedIn) -> None:
    page = signed_in("admin").get(f"/admin/catalog/{CGJ}/rules?lang=en").text
    assert "Construction waste" in page or "waste" in page.split("<h1>")[1].split("</h1>")[0]
    assert "Transport start date" in page and "&lt; 【Transport start date】" in page
    assert "is empty" in page and "为空" not in page
    assert "Refuse filing" in page


def test_every_row_of_the_demo_tables_gives_its_reason_in_english() -> None:
    """A reason without ``reason_en`` was shown in Chinese on English pages and in the
    API's ``reason_en``."""
    read = read_catalog(CATALOG)
    rows = [
        (code, row["reason"])
        for code, item in read.items.items()
        for row in (item.get("decision") or {"rules": []})["rules"]
        if not row.get("reason_en")
    ]
    assert rows == []


def test_an_operator_the_tables_lack_is_named_with_those_there_are(signed_in: SignedIn) -> None:
    """A ``regex`` test was refused as '应填写文字或数字或true 或 false', which named
    neither the operator nor what to write instead."""
    admin = signed_in("admin")
    page = admin.get(f"/admin/catalog/{CGJ}/rules").text
    text = _text(page).replace("gt: 50000", "regex: '^[0-9]+$'")
    assert text != _text(page)
    form = {"csrf_token": csrf(page), "text": text, "source": "recent", "days": "30"}
    result = admin.post(f"/admin/catalog/{CGJ}/rules/dry-run", data=form)
    assert result.status_code == 422
    assert "没有运算符 regex" in result.text and "not_in、between、contains" in result.text
    assert "应填写文字或数字" not in result.text


def test_the_english_dry_run_page_says_what_to_fix_in_english(signed_in: SignedIn) -> None:
    """On the English page a broken table was refused with the checks' Chinese
    ("输入列 … 既不是表单字段", "规则表不是有效的 YAML")."""
    admin = signed_in("admin")
    page = admin.get(f"/admin/catalog/{CGJ}/rules?lang=en").text
    url = f"/admin/catalog/{CGJ}/rules/dry-run?lang=en"
    breaks = {
        "field: waste_volume_m3": "field: waste_weight",  # no such field
        "gt: 50000": "regex: '^[0-9]+$'",  # no such operator
        "hit_policy: FIRST": "hit_policy: SOMETIMES",  # not in the schema
    }
    for old, new in breaks.items():
        text = _text(page).replace(old, new)
        assert text != _text(page), old
        form = {"csrf_token": csrf(page), "text": text, "source": "recent", "days": "30"}
        result = admin.post(url, data=form)
        assert result.status_code == 422
        alert = result.text.split('class="alert"', 1)[1].split("</div>", 1)[0]
        assert "Please fix:" in alert, alert
        assert not re.search(r"[\u4e00-\u9fff]", alert), alert
    form = {"csrf_token": csrf(page), "text": "a: [", "source": "recent", "days": "30"}
    alert = admin.post(url, data=form).text.split('class="alert"', 1)[1].split("</div>", 1)[0]
    assert "The table is not valid YAML" in alert and not re.search(r"[\u4e00-\u9fff]", alert)


def test_a_table_can_send_some_choices_of_a_multiple_choice_field_to_a_person(
    signed_in: SignedIn,
) -> None:
    """经营项目 (several choices) could only be tested for empty: the dry run refused a
    table sending raw-food businesses to a person ('列表字段只能判断是否为空')."""
    admin = signed_in("admin")
    page = admin.get("/admin/catalog/3501-SCJG-002/rules").text
    table = {
        "hit_policy": "FIRST",
        "inputs": [{"field": "food_business_items"}],
        "rules": [
            {
                "when": {"food_business_items": {"any_in": ["生食类食品制售", "半成品制售"]}},
                "outcome": "to_person",
                "reason": "经营项目含高风险类别，转人工审查",
            },
            {
                "when": {"food_business_items": {"all_in": ["预包装食品销售(含冷藏冷冻食品)"]}},
                "outcome": "approve",
                "reason": "仅销售预包装食品，准予许可",
            },
        ],
    }
    items = {
        "sushi": ["热食类食品制售", "生食类食品制售"],
        "shop": ["预包装食品销售(含冷藏冷冻食品)"],
        "bakery": ["糕点类食品制售"],
    }
    cases = {
        "cases": [
            {"name": name, "form": {"food_business_items": chosen}, "shared": {}}
            for name, chosen in items.items()
        ]
    }
    form = {
        "csrf_token": csrf(page),
        "text": yaml.safe_dump(table, allow_unicode=True),
        "source": "file",
        "cases": yaml.safe_dump(cases, allow_unicode=True),
    }
    result = admin.post("/admin/catalog/3501-SCJG-002/rules/dry-run", data=form)
    assert result.status_code == 200, result.text
    rows = re.findall(r"<tr[^>]*>\s*<td>(\w+)</td>(.*?)</tr>", result.text, re.S)
    reasons = {name: cells for name, cells in rows}
    assert "经营项目含高风险类别，转人工审查" in reasons["sushi"]
    assert "仅销售预包装食品，准予许可" in reasons["shop"]
    assert "没有一条规则对本申请作出决定" in reasons["bakery"]
