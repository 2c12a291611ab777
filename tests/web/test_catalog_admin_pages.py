"""Catalog administration pages: list, view, edit as new versions, preview, publish and
withdraw; only catalog administrators get in.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.web.support import SignedIn, check_structure, csrf
from tongban.audit.models import AuditEntry
from tongban.catalog import search
from tongban.catalog.models import CatalogEntry, CatalogVersion

ITEM = "3501-WJW-002"  # 放射工作人员证核发, in no bundle; promised 3 of 20 working days
SCJG_001 = "3501-SCJG-001"  # 企业设立登记, part of two bundles
BUNDLES = ("3501-BUNDLE-QYKB", "3501-BUNDLE-KCG")
KCG = BUNDLES[1]  # 我要开餐馆: SCJG-001 or -003, and SCJG-002
KCG_ITEMS = "items:\n- 3501-SCJG-001\n- 3501-SCJG-003\n- 3501-SCJG-002\n"
HYGIENE = "3501-WJW-003"  # 公共场所卫生许可, in no bundle; asks for 公共场所类别


@pytest.fixture(autouse=True)
def _fresh_search() -> Iterator[None]:
    """Versions made here are rolled back; do not leave their texts in the search cache."""
    yield
    search.invalidate()


@pytest.fixture
def admin(signed_in: SignedIn) -> TestClient:
    return signed_in("admin")


def _text(page: str) -> str:
    found = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)
    assert found, "no textarea on the page"
    return html.unescape(found.group(1))


def _save(client: TestClient, code: str, text: str) -> Any:
    token = csrf(client.get(f"/admin/catalog/{code}/edit").text)
    return client.post(f"/admin/catalog/{code}/edit", data={"text": text, "csrf_token": token})


def _edited(client: TestClient, code: str, old: str, new: str) -> str:
    text = _text(client.get(f"/admin/catalog/{code}/edit").text)
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _current(sessions: sessionmaker[Session], code: str) -> int:
    with sessions() as session:
        entry = session.get(CatalogEntry, code)
        assert entry is not None and entry.current_version is not None
        return entry.current_version.version


def _post(client: TestClient, code: str, action: str) -> Any:
    token = csrf(client.get(f"/admin/catalog/{code}").text)
    return client.post(f"/admin/catalog/{code}/{action}", data={"csrf_token": token})


def test_admin_lists_every_entry(admin: TestClient) -> None:
    page = admin.get("/admin/catalog")
    assert page.status_code == 200
    assert ITEM in page.text and "3501-BUNDLE-QYKB" in page.text and "已发布" in page.text
    check_structure(page.text)
    english = admin.get("/admin/catalog?lang=en").text
    assert "Catalog administration" in english and "Current version" in english


def test_entry_page_shows_versions_and_actions(admin: TestClient) -> None:
    page = admin.get(f"/admin/catalog/{ITEM}")
    assert page.status_code == 200
    assert (
        f"/admin/catalog/{ITEM}/edit" in page.text
        and f"/admin/catalog/{ITEM}/withdraw" in page.text
    )
    check_structure(page.text)
    bundle = admin.get(f"/admin/catalog/{BUNDLES[0]}?lang=en").text
    assert f"/admin/catalog/{BUNDLES[0]}/edit" in bundle and "Preview the form" in bundle
    edit = admin.get(f"/admin/catalog/{BUNDLES[0]}/edit?lang=en")
    assert edit.status_code == 200 and "Edit bundle" in edit.text
    assert "Bundle definition (YAML)" in edit.text and "lead_department: ZWFW" in _text(edit.text)
    check_structure(edit.text)
    assert admin.get("/admin/catalog/NOPE-1").status_code == 404


def test_clerk_is_refused(signed_in: SignedIn, sessions: sessionmaker[Session]) -> None:
    clerk = signed_in("clerk")
    assert clerk.get("/admin/catalog").status_code == 403
    assert clerk.get(f"/admin/catalog/{ITEM}/edit").status_code == 403
    assert clerk.get(f"/admin/catalog/{KCG}/edit").status_code == 403
    token = csrf(clerk.get("/").text)
    data = {"text": f"code: {KCG}\n", "csrf_token": token}
    refused = clerk.post(f"/admin/catalog/{KCG}/edit", data=data)
    assert (
        refused.status_code == 403 and "需要以下角色之一：事项管理" in refused.text
    )  # the role, not CSRF
    assert _current(sessions, KCG) == 1


def test_edit_makes_a_new_version_and_an_earlier_case_keeps_the_old_one(
    admin: TestClient, as_user: Any, sessions: sessionmaker[Session]
) -> None:
    headers = as_user("zhangsan")
    case = admin.post("/api/v1/cases", json={"code": ITEM, "form_data": {}}, headers=headers)
    assert case.status_code == 201, case.text
    before = case.json()["catalog_version_id"]
    text = _edited(admin, ITEM, "promised: 3\n", "promised: 2\n")
    response = _save(admin, ITEM, text)
    assert response.status_code == 200 and "已保存为新版本" in response.text
    assert "<td>2 <span" in response.text and "<td>1</td>" in response.text
    with sessions() as session:
        old = session.get(CatalogVersion, before)
        assert old is not None and old.version == 1
        assert old.definition["time_limit"]["promised"] == 3
        entry = session.get(CatalogEntry, ITEM)
        assert entry is not None and entry.current_version is not None
        assert entry.current_version.definition["time_limit"]["promised"] == 2
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == ITEM))
        assert "catalog.item_saved" in list(actions)
    number = case.json()["number"]
    again = admin.get(f"/api/v1/cases/{number}", headers=headers).json()
    assert again["catalog_version_id"] == before
    assert "promised: 2" in _text(admin.get(f"/admin/catalog/{ITEM}/edit").text)


def test_unchanged_text_makes_no_new_version(
    admin: TestClient, sessions: sessionmaker[Session]
) -> None:
    text = _text(admin.get(f"/admin/catalog/{ITEM}/edit").text)
    response = _save(admin, ITEM, text.replace("\n", "\r\n"))
    assert "未生成新版本" in response.text
    assert _current(sessions, ITEM) == 1


def test_editing_an_item_makes_new_versions_of_its_bundles(
    admin: TestClient, sessions: sessionmaker[Session]
) -> None:
    before = {code: _current(sessions, code) for code in BUNDLES}
    text = _edited(admin, SCJG_001, "promised: 2\n", "promised: 1\n")
    assert _save(admin, SCJG_001, text).status_code == 200
    assert _current(sessions, SCJG_001) == 2
    assert {code: _current(sessions, code) for code in BUNDLES} == {
        code: number + 1 for code, number in before.items()
    }
    with sessions() as session:
        entry = session.get(CatalogEntry, BUNDLES[0])
        assert entry is not None and entry.current_version is not None
        items = {item["code"]: item for item in entry.current_version.definition["items"]}
        assert items[SCJG_001]["time_limit"]["promised"] == 1


def test_the_editor_sees_the_quality_warnings_of_a_saved_item(
    admin: TestClient, sessions: sessionmaker[Session]
) -> None:
    ways = "  ways:\n  - licence\n  - shared\n  - upload\n  shared_source: population\n"
    text = _edited(admin, ITEM, ways, "  ways:\n  - upload\n")
    text = text.replace("  note: 已有电子身份证照或刷脸核验的,免于提交\n", "")
    issue = "  - stage: issue\n    limit: 0\n"
    assert text.count(issue) == 1
    text = text.replace(issue, issue + "  - stage: deliver\n    limit: 0\n")
    response = _save(admin, ITEM, text)
    assert response.status_code == 200 and _current(sessions, ITEM) == 2
    for page in (response.text, admin.get(f"/admin/catalog/{ITEM}/edit").text):
        shown = html.unescape(page)
        assert "提醒（不影响保存）" in shown
        assert "办理环节有 5 个（受理、审查、决定、制证、送达）" in shown
        assert "行政许可事项不超过 3+1 个环节" in shown
        assert "材料 ID_CARD（申请人(经办人)居民身份证）可由电子证照“居民身份证”" in shown
        check_structure(page)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("time_limit:\n", "time_limit: [\n", "YAML"),
        ("department: WJW\n", "department: NOPE\n", "未知部门代码 NOPE"),
        (f"code: {ITEM}\n", "code: 3501-WJW-009\n", f"代码须为 {ITEM}"),
        # schema errors in Chinese, naming the field and what to fix
        ("- 放射工作许可\n", "- 放射人员证\n", "同义说法（synonyms）：“放射人员证”出现了不止一次"),
        ("visits: 0\n", "visits: 0\nbogus: 1\n", "不认识的字段 bogus"),
        ("phone: 0591-83306807\n", "phone: [1]\n", "咨询电话（phone）：应填写文字"),
    ],
)
def test_a_bad_edit_is_shown_again_with_lines_and_nothing_lost(
    admin: TestClient, sessions: sessionmaker[Session], old: str, new: str, expected: str
) -> None:
    text = _edited(admin, ITEM, old, new)
    response = _save(admin, ITEM, text)
    assert response.status_code == 422
    assert expected in response.text and re.search(r"第 \d+ 行", response.text)
    assert _text(response.text) == text
    check_structure(response.text)
    assert _current(sessions, ITEM) == 1


def test_unknown_department_names_its_line(admin: TestClient) -> None:
    text = _edited(admin, ITEM, "department: WJW\n", "department: NOPE\n")
    line = text[: text.index("department: NOPE")].count("\n") + 1
    response = _save(admin, ITEM, text)
    assert f"第 {line} 行 department: 未知部门代码 NOPE" in html.unescape(response.text)


def test_editing_a_bundle_makes_a_new_version_the_preview_shows_and_old_cases_keep(
    admin: TestClient, as_user: Any, sessions: sessionmaker[Session]
) -> None:
    headers = as_user("zhangsan")
    case = admin.post("/api/v1/cases", json={"code": KCG, "form_data": {}}, headers=headers)
    assert case.status_code == 201, case.text
    before = case.json()["catalog_version_id"]
    assert "公共场所类别" not in admin.get(f"/admin/catalog/{KCG}/preview").text
    text = _edited(admin, KCG, "name: 我要开餐馆\n", "name: 我要开饭店\n")
    response = _save(admin, KCG, text.replace(KCG_ITEMS, f"{KCG_ITEMS}- {HYGIENE}\n"))
    assert response.status_code == 200 and "已保存为新版本" in response.text
    assert "我要开饭店" in response.text and f'href="/admin/catalog/{HYGIENE}"' in response.text
    assert _current(sessions, KCG) == 2
    preview = admin.get(f"/admin/catalog/{KCG}/preview")
    assert "我要开饭店" in preview.text and "公共场所类别" in preview.text
    with sessions() as session:
        old = session.get(CatalogVersion, before)
        assert old is not None and old.version == 1
        old_codes = [item["code"] for item in old.definition["items"]]
        assert old_codes == [SCJG_001, "3501-SCJG-003", "3501-SCJG-002"]
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_id == KCG))
        assert "catalog.bundle_saved" in list(actions)
    number = case.json()["number"]
    again = admin.get(f"/api/v1/cases/{number}", headers=headers).json()
    assert again["catalog_version_id"] == before


@pytest.mark.parametrize(
    ("old", "new", "expected", "exact_line"),
    [
        (KCG_ITEMS, KCG_ITEMS + "- 3501-SCJG-999\n", "事项 3501-SCJG-999 不存在", True),
        ("lead_department: SCJG\n", "lead_department: NOPE\n", "未知部门代码 NOPE", True),
        ("time_limit:\n", "time_limit: [\n", "YAML 语法错误", False),  # seen further on
        ("approval_mode: commitment\n", "approval_mode: quick\n", "approval_mode", True),
    ],
)
def test_a_bad_bundle_edit_is_shown_again_next_to_the_text_and_nothing_saved(
    admin: TestClient,
    sessions: sessionmaker[Session],
    old: str,
    new: str,
    expected: str,
    exact_line: bool,
) -> None:
    text = _edited(admin, KCG, old, new)
    line = text[: text.index(new)].count("\n") + 1 + new[:-1].count("\n")
    response = _save(admin, KCG, text)
    assert response.status_code == 422
    page = html.unescape(response.text)
    assert "一件事定义有错误，未保存" in page and expected in page
    assert re.search(f"第 {line} 行" if exact_line else r"第 \d+ 行", page)
    assert page.index(expected) < page.index("<textarea") and _text(response.text) == text
    check_structure(response.text)
    assert _current(sessions, KCG) == 1


def test_withdraw_hides_the_item_and_publish_brings_it_back(
    admin: TestClient, as_user: Any
) -> None:
    headers = as_user("zhangsan")
    case = admin.post("/api/v1/cases", json={"code": ITEM, "form_data": {}}, headers=headers)
    number = case.json()["number"]

    def searchable() -> bool:
        found = admin.get("/api/v1/search", params={"q": "放射工作人员证"}).json()
        return ITEM in [entry["code"] for entry in found]

    assert searchable()
    response = _post(admin, ITEM, "withdraw")
    assert response.status_code == 200 and "已撤下" in response.text
    assert not searchable()
    assert admin.get(f"/apply/{ITEM}", headers=headers).status_code == 404
    assert admin.get(f"/api/v1/cases/{number}", headers=headers).status_code == 200
    assert ITEM in admin.get("/admin/catalog").text
    response = _post(admin, ITEM, "publish")
    assert response.status_code == 200 and "已发布" in response.text
    assert searchable()
    assert admin.get(f"/apply/{ITEM}", headers=headers).status_code == 200


def test_preview_shows_the_applicant_form(admin: TestClient) -> None:
    page = admin.get(f"/admin/catalog/{ITEM}/preview")
    assert page.status_code == 200
    assert "申请人(经办人)姓名" in page.text and "放射工作类别" in page.text
    assert "disabled" in page.text
    check_structure(page.text)
    english = admin.get(f"/admin/catalog/{BUNDLES[0]}/preview?lang=en").text
    assert "This is the form applicants will see" in english


def test_a_changed_decision_table_is_dry_run_before_it_goes_live(
    admin: TestClient, sessions: sessionmaker[Session]
) -> None:
    """Saving an edited table made it live at once; now the first save shows the dry run
    over recent cases, and only a second save, of the table tried, publishes it."""
    code = "3501-CGJ-001"  # 建筑垃圾运输处置备案 (秒批)
    before = _current(sessions, code)
    text = _edited(admin, code, "gt: 50000", "gt: 1000")
    tried = _save(admin, code, text)
    assert tried.status_code == 200 and _current(sessions, code) == before
    assert (
        "秒批规则表有改动，尚未保存。" in tried.text
        and "已按新规则表试运行最近 30 天" in tried.text
    )
    fingerprint = re.search(r'name="tried" value="([0-9a-f]{64})"', tried.text)
    assert fingerprint and _text(tried.text) == text  # nothing typed is lost
    other = _edited(admin, code, "gt: 50000", "gt: 2000")  # not the table tried: tried again
    token = csrf(tried.text)
    again = admin.post(
        f"/admin/catalog/{code}/edit",
        data={"text": other, "csrf_token": token, "tried": fingerprint.group(1)},
    )
    assert "秒批规则表有改动，尚未保存。" in again.text and _current(sessions, code) == before
    saved = admin.post(
        f"/admin/catalog/{code}/edit",
        data={"text": text, "csrf_token": token, "tried": fingerprint.group(1)},
    )
    assert saved.status_code in (200, 303) and _current(sessions, code) == before + 1
    assert "gt: 1000" in _text(admin.get(f"/admin/catalog/{code}/edit").text)


def test_an_edit_leaving_the_table_alone_saves_at_once(
    admin: TestClient, sessions: sessionmaker[Session]
) -> None:
    code = "3501-CGJ-001"
    before = _current(sessions, code)
    text = _edited(admin, code, "phone: 0591-83306908", "phone: 0591-83306909")
    saved = _save(admin, code, text)
    assert "秒批规则表有改动" not in saved.text
    assert _current(sessions, code) == before + 1
