"""A file the server refuses (a renamed text file, the wrong type) is never dropped
without a word in Chromium: the form's row says so at once, and 「保存草稿」 or
「重新提交」 afterwards shows the refusal again, naming the file and why, while what was
typed is kept. Found in trial: after 保存草稿 the page said only that the draft was saved,
and a case in correction was resubmitted with the old file the reviewer had refused."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from tests.browser.conftest import Browsers
from tests.conftest import token
from tests.factories import API
from tests.lenient.support import submitted_without
from tongban.app import create_app
from tongban.web.runtime import Runtime

GENERATED = "3501-CGJ-003"  # 临时占用城市道路审批: a plan (PDF) uploaded
ITEM = "3501-RS-003"  # 失业登记: the ID card uploaded, reviewed by 人社
FAKE_PDF = {"name": "方案.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf at all"}
REFUSED = "文件“方案.pdf”的内容不是 PDF 格式"


def _choose_refused(page: Page, code: str) -> None:
    """Choose the fake PDF for material ``code``; its row says at once why it was refused."""
    page.set_input_files(f"#m-{code}", files=[FAKE_PDF])
    expect(page.locator(f"#material-{code} .error")).to_contain_text(REFUSED)


def test_saving_a_draft_says_which_file_was_refused_and_keeps_the_answers(
    people: Browsers,
) -> None:
    page = people.sign_in("zhangsan")
    page.goto(f"/apply/{GENERATED}")
    page.fill("#f-occupy_location", "鼓楼区五四路（东街口至北大路口）")
    _choose_refused(page, "OCCUPY_PLAN")
    page.click("button:text-is('保存草稿')")
    page.wait_for_url(re.compile(r"/cases/\d+/edit"))
    expect(page.locator(".form-problems[role=alert]")).to_contain_text(REFUSED)
    expect(page.locator("#material-OCCUPY_PLAN .error")).to_contain_text(REFUSED)
    expect(page.locator("#f-occupy_location")).to_have_value("鼓楼区五四路（东街口至北大路口）")
    page.reload()  # saved, not only shown again
    expect(page.locator("#f-occupy_location")).to_have_value("鼓楼区五四路（东街口至北大路口）")


def _in_correction(runtime: Runtime) -> str:
    """A 失业登记 case of zhangsan that 人社 sent back to replace the ID card."""
    client = TestClient(create_app(runtime))
    applicant, clerk = token(client, "zhangsan"), token(client, "rs")
    number = submitted_without(client, applicant, ITEM, skip=set())
    task = next(
        t for t in client.get(f"{API}/tasks", headers=clerk).json() if t["case_number"] == number
    )
    problems = [{"target": "materials.ID_CARD", "problem": "请上传清晰的身份证"}]
    sent = client.post(
        f"{API}/tasks/{task['id']}/correction", json={"problems": problems}, headers=clerk
    )
    assert sent.status_code == 201, sent.text
    return number


def test_a_correction_is_not_resubmitted_with_the_file_that_was_to_be_replaced(
    people: Browsers, server_runtime: Runtime
) -> None:
    number = _in_correction(server_runtime)
    page = people.sign_in("zhangsan")
    page.goto(f"/cases/{number}")
    _choose_refused(page, "ID_CARD")
    page.click("button:text-is('重新提交')")
    page.wait_for_load_state()
    expect(page.locator(".form-problems[role=alert]")).to_contain_text(REFUSED)
    expect(page.locator("main")).not_to_contain_text("已重新提交")
    page.goto(f"/cases/{number}")
    expect(page.locator("button:text-is('重新提交')")).to_be_visible()  # still to correct


def test_a_file_past_the_limit_is_named_at_its_row_before_it_is_sent(
    people: Browsers, tmp_path: Path
) -> None:
    """The row says the limit the server gives (not the network) as soon as the file is
    chosen, in the words the server uses, and the file is not kept to be sent again.
    Found in trial: a 60 MB scan was blamed on the network, then 提交申请 led to a bare
    error page."""
    page = people.sign_in("zhangsan")
    page.goto(f"/apply/{GENERATED}")
    big = tmp_path / "方案.pdf"
    with big.open("wb") as scan:
        scan.truncate(21 << 20)  # sparse: the size is what counts
    page.set_input_files("#m-OCCUPY_PLAN", files=[big])
    said = page.locator("#material-OCCUPY_PLAN .error")
    expect(said).to_have_text("文件“方案.pdf”超过 20 MB，请压缩后再上传。")
    expect(page.locator("#m-OCCUPY_PLAN")).to_have_js_property("value", "")
    expect(page.locator("#material-OCCUPY_PLAN .upload-progress")).to_be_hidden()
