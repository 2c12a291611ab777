"""A case accepted with deficiencies (容缺受理) in Chromium: the applicant opens the case
page, chooses the missing material's file at its own upload control and sends it; the
page then shows it supplied. Found in trial: the page and the notice said to upload the
missing material on the case page, which had no file control at all."""

from __future__ import annotations

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from tests.browser.conftest import Browsers
from tests.conftest import token
from tests.lenient.support import FOOD, submitted_without
from tongban.app import create_app
from tongban.demo.samples import SAMPLES
from tongban.web.runtime import Runtime

MISSING = "FOOD_SAFETY_RULES"  # 保证食品安全的规章制度目录清单, 容缺


def _accepted_with_deficiency(runtime: Runtime) -> str:
    """A 食品经营许可 case of minfeng without the 容缺 material, signed and accepted."""
    client = TestClient(create_app(runtime))
    applicant, clerk = token(client, "minfeng"), token(client, "scjg")
    number = submitted_without(client, applicant, FOOD, skip={MISSING})
    signed = client.post(
        f"/api/v1/cases/{number}/deficiency/signature", json={"name": "王五"}, headers=applicant
    )
    assert signed.status_code == 201, signed.text
    accepted = client.post(
        f"/api/v1/cases/{number}/deficiency/accept", json={"opinion": "主件齐全"}, headers=clerk
    )
    assert accepted.status_code == 200, accepted.text
    return number


def _upload_missing(people: Browsers, number: str, content: bytes) -> Page:
    """The applicant uploads ``content`` as rules.pdf for the missing material of the case
    page's 容缺 panel, which awaits it; the page after the upload."""
    page = people.sign_in("minfeng")
    page.goto(f"/cases/{number}")
    lenient = page.locator("#lenient")
    expect(lenient).to_contain_text("待补齐")
    lenient.get_by_label("补齐：保证食品安全的规章制度目录清单").set_input_files(
        files=[{"name": "rules.pdf", "mimeType": "application/pdf", "buffer": content}]
    )
    lenient.get_by_role("button", name="上传").click()
    page.wait_for_load_state()
    return page


def test_the_applicant_uploads_the_missing_material_from_the_case_page(
    people: Browsers, server_runtime: Runtime
) -> None:
    number = _accepted_with_deficiency(server_runtime)
    page = _upload_missing(people, number, SAMPLES["pdf"])
    expect(page).to_have_url(f"{people.base_url}/cases/{number}")
    expect(page.locator("#lenient")).to_contain_text("已补齐")
    expect(page.locator("#lenient input[type=file]")).to_have_count(0)


def test_a_refused_file_for_the_missing_material_is_named_and_it_stays_awaited(
    people: Browsers, server_runtime: Runtime
) -> None:
    number = _accepted_with_deficiency(server_runtime)
    page = _upload_missing(people, number, b"no pdf")
    expect(page.locator("#lenient .error")).to_contain_text("文件“rules.pdf”的内容不是 PDF 格式")
    expect(page.locator("#lenient")).to_contain_text("待补齐")
