"""A legal limit in the unit its law states (issue 16): 建筑垃圾处置 (《城市建筑垃圾管理规定》
第七条, 20 日) and 企业设立登记 (条例第十九条, 3 个工作日) were stored as office hours to sit
in one unit with a promise of 2 hours, and shown as working days; 刻章备案 had a "legal"
8 hours that no cited source sets. The legal limit now keeps the law's unit
(``legal_unit``), its clock runs in it, and the guide says where it comes from."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.catalog.conftest import CATALOG, CatalogCopy
from tests.factories import act, open_task, submitted
from tongban.cases.enums import ClockKind
from tongban.cases.models import Case
from tongban.catalog.loader import read_catalog

MUCK = "3501-CGJ-001"  # 建筑垃圾(渣土)运输处置备案
SEAL = "3501-GA-001"  # 印章刻制备案
COMPANY = "3501-SCJG-001"  # 企业设立登记
PHARMACY = "3501-SCJG-006"  # 药品零售企业药品经营许可证核发


def _legal(page: str) -> str:
    found = re.search(r"<dt>(?:法定办结时限|Legal time limit)</dt><dd>(.*?)</dd>", page, re.S)
    assert found, "no legal limit on the guide"
    return found.group(1)


def test_the_guide_states_each_legal_limit_as_its_law_does(client: TestClient) -> None:
    muck = _legal(client.get(f"/items/{MUCK}").text)
    assert "20 日" in muck and "第七条" in muck and "小时" not in muck, muck
    company = _legal(client.get(f"/items/{COMPANY}").text)
    assert "3 个工作日" in company and "第十九条" in company and "小时" not in company
    seal = _legal(client.get(f"/items/{SEAL}").text)
    assert "1 个工作日" in seal and "未规定" in seal and "8 小时" not in seal
    client.cookies.set("tongban_lang", "en")
    english = _legal(client.get(f"/items/{MUCK}").text)
    assert "20 calendar days" in english and "art. 7" in english and "hours" not in english


def test_the_legal_clock_runs_in_the_laws_unit_and_the_promise_in_hours(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
    db: Session,
) -> None:
    number = submitted(client, as_user("minfeng"), SEAL)["number"]
    ga = as_user("ga")
    assert act(client, ga, open_task(client, ga, number, "accept"), "accept").status_code == 200
    db.expire_all()
    case = db.scalar(select(Case).where(Case.number == number))
    assert case is not None and case.accepted_at is not None
    clocks = {c.kind: c for c in case.clocks}
    assert (clocks[ClockKind.legal].unit, clocks[ClockKind.legal].limit) == ("working_days", 1)
    assert (clocks[ClockKind.promised].unit, clocks[ClockKind.promised].limit) == ("hours", 2)
    # accepted Monday 2025-09-22 09:00 in Fuzhou: the working day after, to its end (not
    # 8 office hours to a moment on Tuesday morning)
    assert clocks[ClockKind.legal].due_at == datetime(2025, 9, 23, 16, 0, tzinfo=UTC)
    assert clocks[ClockKind.promised].due_at - case.accepted_at == timedelta(hours=2)


def test_a_promise_in_hours_beyond_a_legal_limit_in_days_is_an_error(
    catalog_copy: CatalogCopy,
) -> None:
    file = f"items/{SEAL}.yaml"
    catalog_copy.replace(file, "  promised: 2\n", "  promised: 9\n")  # 9 office hours > 1 day
    errors = [p for p in read_catalog(catalog_copy.root).errors if p.file == file]
    assert [p.field for p in errors] == ["time_limit.promised"]
    assert "承诺时限不能超过法定时限" in errors[0].message


def test_the_case_page_names_the_legal_limits_own_source(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
    signed_in,  # type: ignore[no-untyped-def]
) -> None:
    """The case page cited 《行政许可法》第四十二条 beside every legal limit: the seal filing's
    1 working day (which no cited source sets) read as a statutory limit of that article."""
    number = submitted(client, as_user("minfeng"), SEAL)["number"]
    ga = as_user("ga")
    assert act(client, ga, open_task(client, ga, number, "accept"), "accept").status_code == 200
    page = signed_in("minfeng").get(f"/cases/{number}").text
    legal = re.search(r"<dt>法定期限</dt>\s*<dd>(.*?)</dd>", page, re.S)
    assert legal, "no legal limit on the case page"
    assert "1 个工作日" in legal.group(1) and "所引依据未规定备案的办理时限" in legal.group(1)
    assert "第四十二条" not in legal.group(1)
    english = signed_in("minfeng")
    english.cookies.set("tongban_lang", "en")
    assert "The cited basis sets no time for the filing" in english.get(f"/cases/{number}").text


def test_an_inspection_may_stop_the_clock_only_for_a_step_art_45_excludes(
    catalog_copy: CatalogCopy,
) -> None:
    """Issue 16: 食品生产许可 stopped the clock for its 现场核查, which no law keeps out of
    the limit; a pause now needs a basis naming the 检验、检测 … that 行政许可法 第四十五条
    excludes."""
    file = "items/3501-SCJG-005.yaml"
    catalog_copy.replace(file, "  pauses_clock: false\n", "  pauses_clock: true\n")
    text = catalog_copy.text(file)
    basis = text[text.index("  basis: 《食品生产许可管理办法》") : text.index("  checklist:")]
    catalog_copy.replace(file, basis, "  basis: 《食品生产许可管理办法》第二十一条\n")
    errors = [p for p in read_catalog(catalog_copy.root).errors if p.file == file]
    assert [p.field for p in errors] == ["inspection.pauses_clock"]
    assert "行政许可法第四十五条只排除听证、招标、拍卖、检验、检测" in errors[0].message
    catalog_copy.replace(file, "第二十一条\n", "第二十一条;现场检测所需时间不计入许可期限\n")
    assert not [p for p in read_catalog(catalog_copy.root).errors if p.file == file]


def test_a_legal_unit_that_its_declared_source_contradicts_is_refused(
    catalog_copy: CatalogCopy,
) -> None:
    """Where the entry names the article of its legal limit (``legal_note``), the unit the
    article states is the unit stored: 20 日 kept as 20 working days is refused, naming
    both; with no declared source the loader has nothing to compare and says nothing."""
    file = f"items/{MUCK}.yaml"
    catalog_copy.replace(file, "  legal_unit: calendar_days\n", "  legal_unit: working_days\n")
    errors = [p for p in read_catalog(catalog_copy.root).errors if p.file == file]
    assert [p.field for p in errors] == ["time_limit.legal_unit"]
    assert "20日" in errors[0].message and "工作日" in errors[0].message

    unsourced = f"items/{PHARMACY}.yaml"
    text = catalog_copy.text(unsourced)
    start = text.index("  legal_note:")
    end = text.index("  promised:", start)
    catalog_copy.replace(unsourced, text[start:end], "")
    catalog_copy.replace(unsourced, "  unit: calendar_days\n", "  unit: working_days\n")
    assert not [p for p in read_catalog(catalog_copy.root).errors if p.file == unsourced]


def test_limits_the_law_counts_in_days_are_stored_in_days() -> None:
    """药品零售许可 (二十日), 居住证 (《居住证暂行条例》第九条, 15日), 公积金提取
    (《住房公积金管理条例》第二十五条, 3日), 身份证换领 (《居民身份证法》第十二条, 60日) and
    排污许可 (《排污许可管理条例》第十二条, 简化管理 20日) were stored as working days."""
    read = read_catalog(CATALOG)
    limits = {
        PHARMACY: 20,
        "3501-GA-004": 15,
        "3501-GJJ-002": 3,
        "3501-GA-003": 60,
        "3501-ST-002": 20,
    }
    for code, days in limits.items():
        limit = read.items[code]["time_limit"]
        assert (limit.get("legal_unit") or limit["unit"], limit["legal"]) == (
            "calendar_days",
            days,
        ), code
        assert f"{days}日" in limit["legal_note"], code
