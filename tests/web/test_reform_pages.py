"""The reform figures on the pages and the API: the seeds' headline on the dashboard,
the filtered detail page, exports to CSV and Excel read back (and audited), clear errors
for bad filters, and the cockpit with its scripts in static files (CSP)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tests.factories import submitted
from tests.supervision.conftest import TODAY, TZ, load_month
from tests.web.support import check_structure, csrf
from tongban.audit.models import AuditEntry
from tongban.supervision import daily
from tongban.supervision.models import MetricDay
from tongban.supervision.reform import ReformFilter, reform_figures
from tongban.supervision.tasks import refresh
from tongban.web.i18n import gettext_for

API = "/api/v1/supervision/reform"


@pytest.fixture
def month(db: Session, tmp_path: Path) -> Session:
    load_month(db, tmp_path, count=40)
    db.commit()
    return db


def _csv(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_api_gives_the_figures_and_the_headline(
    month: Session, client: TestClient, as_user: Any
) -> None:
    answer = client.get(API, params={"days": 30}, headers=as_user("supervisor"))
    assert answer.status_code == 200, answer.text
    data = answer.json()
    assert data["last"] == TODAY.isoformat()
    assert re.fullmatch(r"材料 −\d+ %，跑动 −\d+ %，时间 −\d+ %", data["headline"])
    direct = reform_figures(month, tz=TZ, where=ReformFilter(TODAY - timedelta(days=29), TODAY))
    assert data["total"]["counts"] == direct.total.counts
    assert data["total"]["counts"]["decided"] > 0
    assert data["catalog"]["online_available_rate"] > 0
    assert client.get(API, headers=as_user("clerk")).status_code == 403
    english = client.get(API, params={"days": 30, "lang": "en"}, headers=as_user("supervisor"))
    assert re.fullmatch(r"Materials −\d+ %, Trips −\d+ %, Time −\d+ %", english.json()["headline"])


def test_export_csv_and_excel_read_back_with_the_same_lines_and_are_audited(
    month: Session, client: TestClient, as_user: Any
) -> None:
    params = {"days": "30", "department": "SCJG"}
    got = client.post(
        f"{API}/export", params={**params, "format": "csv"}, headers=as_user("supervisor")
    )
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("text/csv")
    assert "attachment" in got.headers["content-disposition"]
    lines = _csv(got.content)
    assert lines[0][:4] == ["分组", "代码", "名称", "收件量"]
    assert lines[1][0] == "合计"
    figures = client.get(API, params=params, headers=as_user("supervisor")).json()
    assert int(lines[1][4]) == figures["total"]["counts"]["decided"]
    assert {line[1] for line in lines if line[0] == "部门"} <= {"SCJG"}
    book = client.post(
        f"{API}/export", params={**params, "format": "xlsx"}, headers=as_user("supervisor")
    )
    assert book.status_code == 200
    sheet = load_workbook(io.BytesIO(book.content)).active
    assert sheet is not None
    rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert [row[:6] for row in rows] == [line[:6] for line in lines]
    month.expire_all()
    entries = month.scalars(
        select(AuditEntry).where(AuditEntry.action == "supervision.exported")
    ).all()
    assert [(e.data["format"], e.data["department"]) for e in entries] == [
        ("csv", "SCJG"),
        ("xlsx", "SCJG"),
    ]
    assert entries[0].actor_name == "赵监察"


def test_bad_filters_get_a_clear_error(client: TestClient, as_user: Any) -> None:
    got = client.get(API, params={"first": "2025-13-01"}, headers=as_user("supervisor"))
    assert got.status_code == 422
    assert "2026-11-30 的格式" in got.text
    got = client.get(
        API, params={"first": "2025-09-10", "last": "2025-09-01"}, headers=as_user("supervisor")
    )
    assert got.status_code == 422 and "开始日期晚于结束日期" in got.text
    got = client.get(API, params={"per": "year"}, headers=as_user("supervisor"))
    assert got.status_code == 422 and "统计粒度只能是按日、按周或按月" in got.text


def test_the_pages_show_the_figures_and_export_from_the_form(
    month: Session, signed_in: Any
) -> None:
    client = signed_in("supervisor")
    dashboard = client.get("/supervision")
    assert dashboard.status_code == 200
    card = dashboard.text.split('id="reform-title"')[1].split("</section>")[0]
    assert re.search(r"材料 −\d+ %，跑动 −\d+ %，时间 −\d+ %", card)
    assert "/supervision/cockpit" in card
    page = client.get("/supervision/reform", params={"days": "30", "per": "day"})
    assert page.status_code == 200
    check_structure(page.text)
    assert "reform.js" in page.text and 'id="chart-reform-trend"' in page.text
    posted = client.post(
        "/supervision/reform/export",
        data={"csrf_token": csrf(page.text), "days": "30", "per": "day", "format": "csv"},
    )
    assert posted.status_code == 200, posted.text
    assert _csv(posted.content)[1][0] == "合计"
    refused = client.post("/supervision/reform/export", data={"days": "30", "format": "csv"})
    assert refused.status_code in (400, 403)  # no CSRF token


def test_the_cockpit_has_no_inline_script(signed_in: Any) -> None:
    page = signed_in("supervisor").get("/supervision/cockpit")
    assert page.status_code == 200
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
    assert scripts and all('src="' in attrs and not body.strip() for attrs, body in scripts)
    assert "cockpit.js" in page.text and "cockpit.css" in page.text
    assert signed_in("clerk").get("/supervision/cockpit").status_code == 403


def _cells(html: str, section: str) -> list[list[str]]:
    """The body rows of the table of a section of the page, as the text of their cells."""
    body = html.split(f'id="{section}"')[1].split("<tbody>")[1].split("</tbody>")[0]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


@pytest.mark.parametrize("lang", ["zh_Hans", "en"])
def test_the_export_holds_every_figure_the_page_shows_in_the_users_language(
    month: Session, signed_in: Any, lang: str
) -> None:
    """Each rate of the page (网上可办率 and 全程网办率 among them), the counts beside it and
    each stage's tasks, average and 90th percentile are on the export's 合计 line, under
    headers in the user's language."""
    say = gettext_for(lang)
    client = signed_in("supervisor")
    client.cookies.set("tongban_lang", lang)
    page = client.get("/supervision/reform", params={"days": "30"}).text
    posted = client.post(
        "/supervision/reform/export", data={"csrf_token": csrf(page), "days": "30", "format": "csv"}
    )
    assert posted.status_code == 200, posted.text
    header, total = _csv(posted.content)[:2]
    exported = dict(zip(header, total, strict=True))
    assert total[0] == say("合计") and header[3] == say("收件量")
    if lang == "en":
        assert header[:4] == ["Group", "Code", "Name", "Received"]
        assert not re.search(r"[\u4e00-\u9fff]", ",".join(header))
    rates = {label: (shown, how) for label, shown, how in _cells(page, "rates-title")}
    assert len(rates) == 14 and say("网上可办率") in rates and say("全程网办率") in rates
    for label, (shown, _how) in rates.items():
        value = exported[label]
        assert shown == ("—" if value == "" else f"{100 * float(value):.1f} %"), label
    for label, part, whole in [
        ("网上申办率", "网上收件量", "收件量"),
        ("全程网办率", "全程网办件数", "办结量"),
        ("回填率", "回填字段数", "表单字段数"),
    ]:
        assert rates[say(label)][1] == f"{exported[say(part)]} / {exported[say(whole)]}"
    stages = _cells(page, "stage-title")
    assert len(stages) >= 2
    for name, tasks, average, p90 in stages:

        def column(figure: str, stage: str = name) -> str:
            return exported[say("%(stage)s：%(figure)s", stage=stage, figure=say(figure))]

        assert [column("任务数"), column("平均用时（办公小时）")] == [tasks, average]
        assert column("第 90 百分位（办公小时）") == p90


def test_an_unknown_item_or_period_is_refused_and_english_columns_are_told_apart(
    month: Session, client: TestClient, as_user: Any
) -> None:
    headers = as_user("supervisor")
    nope = client.post(f"{API}/export", params={"item": "NOPE", "format": "csv"}, headers=headers)
    assert nope.status_code == 422 and "目录中没有事项“NOPE”" in nope.text
    for url in (API, f"{API}/export?format=csv"):
        odd = client.request(
            "GET" if url == API else "POST", url, params={"days": "13"}, headers=headers
        )
        assert odd.status_code == 422 and "近 7、30 或 90 天" in odd.text, odd.text
    assert client.get("/supervision?days=13", headers=headers).status_code == 422
    english = client.post(
        f"{API}/export",
        params={"days": "30", "format": "csv"},
        headers={**headers, "Accept-Language": "en"},
    )
    columns = _csv(english.content)[0]
    assert len(columns) == len(set(columns)), columns
    assert "Bad ratings rectified" in columns and "Bad-rating rectification rate" in columns


def test_the_english_cockpit_fetches_english_figures(
    month: Session, client: TestClient, as_user: Any
) -> None:
    """数据驾驶舱 on ?lang=en: its script's source asks for English, so the headline and the
    department names stay English after every refresh (not only on a cookie)."""
    page = client.get("/supervision/cockpit?lang=en", headers=as_user("supervisor")).text
    source = re.search(r'data-source="([^"]+)"', page)
    assert source is not None
    got = client.get(source.group(1).replace("&amp;", "&"), headers=as_user("supervisor"))
    data = got.json()
    assert re.fullmatch(r"Materials −\d+ %, Trips −\d+ %, Time −\d+ %", data["headline"])
    names = [d["name"] for d in data["departments"].values()]
    assert names and not any(re.search(r"[\u4e00-\u9fff]", name) for name in names), names


KCG = "3501-BUNDLE-KCG"  # 开餐馆: 12 materials on the full list
HELD_LICENCE = {"licence": "held", "operator": "company", "premises": "leased", "agent": "self"}


def test_the_materials_situations_spare_are_counted_where_a_supervisor_reads_them(
    db: Session, client: TestClient, as_user: Any, signed_in: Any, clock: Any
) -> None:
    """A 开餐馆 case whose applicant answered the situation questions (情形引导) is asked 5
    of the bundle's 12 materials: the dashboard's reform card, the reform page, its API
    and its export count the 7 spared (58.3 %); a case of the same bundle without answers
    is neither guided nor spared. Counted by the worker's refresh, and again by
    ``tongban metrics rebuild`` in rows written before the figures existed (migration
    0062 leaves them 0): the backfill of earlier cases."""
    applicant = as_user("minfeng")
    submitted(client, applicant, KCG, HELD_LICENCE)
    submitted(client, applicant, KCG)
    refresh(db, payload={"tz": str(TZ)}, now=clock.now)
    db.commit()
    for backfilled in (False, True):
        if backfilled:
            db.execute(update(MetricDay).values(guided=0, materials_listed=0, materials_asked=0))
            daily.rebuild(db, tz=TZ, now=clock.now)
            db.commit()
        data = client.get(API, params={"days": 30}, headers=as_user("supervisor")).json()
        counts = data["total"]["counts"]
        assert (counts["received"], counts["guided"]) == (2, 1)
        assert (counts["materials_listed"], counts["materials_asked"]) == (12, 5)
        assert data["total"]["rates"]["situation_cut"] == 0.583
        assert data["items"][KCG]["counts"]["guided"] == 1
        supervisor = signed_in("supervisor")
        card = supervisor.get("/supervision").text.split('id="reform-title"')[1]
        assert "情形引导减少材料 7 份，平均减少 58.3%" in card.split("</section>")[0]
        page = supervisor.get("/supervision/reform", params={"days": "30"}).text
        rates = {label: (shown, how) for label, shown, how in _cells(page, "rates-title")}
        assert rates["情形引导减少材料"] == (
            "58.3 %",
            "1 件办件回答了情形问题：需交 5 份，完整清单 12 份",
        )
        restaurant = next(row for row in _cells(page, "items-title") if row[0] == "我要开餐馆")
        assert restaurant[5] == "58.3 %"  # the item's own 情形引导减少材料
        posted = supervisor.post(
            "/supervision/reform/export",
            data={"csrf_token": csrf(page), "days": "30", "format": "csv"},
        )
        header, total = _csv(posted.content)[:2]
        exported = dict(zip(header, total, strict=True))
        assert exported["情形引导办件数"] == "1" and exported["情形引导减少材料"] == "0.583"
        assert (exported["完整清单材料份数"], exported["情形引导后需交材料份数"]) == ("12", "5")
    supervisor.cookies.set("tongban_lang", "en")
    card = supervisor.get("/supervision").text.split('id="reform-title"')[1]
    assert "Situation questions spared 7 materials, 58.3% fewer on average" in card
