"""The application form's own checks (static/form.js) ask for an upload only where the
server will: a material the platform pulls from shared data or e-licences, or generates
from the form, is not asked for in the browser, and the script runs without an error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from tests.browser.conftest import ROOT, Browsers
from tongban.demo.samples import SAMPLES
from tongban.sharing import service as sharing
from tongban.web.runtime import Runtime

SHARED = "3501-RS-003"  # 失业登记: ID card pulled from shared data, termination proof 容缺
GENERATED = "3501-CGJ-003"  # 临时占用城市道路审批: application form generated, a plan uploaded
WHO = "lisi"  # in the population register here; no other browser test signs in as lisi


@pytest.fixture(scope="module", autouse=True)
def lisi_in_shared_data(server_runtime: Runtime) -> None:
    """The population register holds 李四 (and a few others), as the demo's does."""
    accounts = yaml.safe_load((ROOT / "demo" / "users.yaml").read_text(encoding="utf-8"))
    lisi = [a for a in accounts if a["username"] == WHO]
    with Session(server_runtime.engine) as session:
        now = datetime.now(UTC)
        sharing.load_synthetic(session, now=now, accounts=lisi, people=3, enterprises=1)
        session.commit()


@pytest.fixture
def errors() -> Iterator[list[str]]:
    """Every script error and console error of the watched pages; the test fails on any."""
    found: list[str] = []
    yield found
    assert not found, f"the page had script errors: {found}"


def _watch(page: Page, found: list[str]) -> None:
    """Script errors; not the browser's note of a form the server refused (a 422 page,
    which names every problem beside its field)."""
    page.on("pageerror", lambda error: found.append(str(error)))
    page.on(
        "console",
        lambda m: (
            found.append(m.text) if m.type == "error" and "status of 422" not in m.text else None
        ),
    )


def _signed_in(people: Browsers, errors: list[str]) -> Page:
    _watch(people.page(WHO), errors)
    return people.sign_in(WHO)


def test_a_shared_data_material_is_not_asked_for_and_the_case_submits(
    people: Browsers, errors: list[str]
) -> None:
    page = _signed_in(people, errors)
    page.goto(f"/apply/{SHARED}")
    card = page.locator("#material-ID_CARD")
    expect(card).not_to_have_attribute("data-required", "")
    expect(card).to_contain_text("平台将先从共享数据和电子证照库获取")
    expect(page.locator("#f-residence_address")).not_to_have_value("")  # pulled as well
    page.click("button:text-is('提交申请')")
    page.wait_for_url(re.compile(r"/cases/\d+/review$"))
    expect(page.locator("main")).to_contain_text("已从公安人口库调取核验，无需上传")


def test_a_generated_material_is_not_asked_for_and_an_upload_is(
    people: Browsers, errors: list[str], tmp_path: Path
) -> None:
    page = _signed_in(people, errors)
    page.goto(f"/apply/{GENERATED}")
    expect(page.locator("#material-APPLICATION_FORM")).to_contain_text("由系统根据申请表自动生成")
    expect(page.locator("#material-APPLICATION_FORM input[type=file]")).to_have_count(0)
    page.click("button:text-is('提交申请')")
    summary = page.locator(".form-problems[role=alert]")
    expect(summary).to_contain_text("请上传“占用城市道路方案")
    expect(summary).not_to_contain_text("申请表")
    expect(summary).not_to_contain_text("居民身份证")
    expect(page.locator("#material-ID_CARD")).not_to_have_attribute("data-required", "")
    page.fill("#f-occupy_location", "鼓楼区五四路（东街口至北大路口）")
    page.fill("#f-occupy_area_m2", "30")
    page.select_option("#f-occupy_purpose", "施工作业")
    page.fill("#f-occupy_start_date", "2030-01-07")
    page.fill("#f-occupy_end_date", "2030-01-09")
    page.fill("#f-phone", "13800000001")
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(SAMPLES["pdf"])
    page.set_input_files("#m-OCCUPY_PLAN", str(plan))
    expect(page.locator("#material-OCCUPY_PLAN .file-name")).to_have_text("plan.pdf")
    page.click("button:text-is('提交申请')")
    page.wait_for_url(re.compile(r"/cases/\d+/review$"))
