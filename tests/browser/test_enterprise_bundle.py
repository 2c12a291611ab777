"""企业开办 through the pages, by clicking and typing in Chromium: the applicant fills the
one form, reviews and confirms it, the window asks for a correction once, the applicant fixes it, five
departments approve in parallel, the lead department decides and issues, and the
applicant downloads the result and rates the service, which the department answers —
on a desktop and on a phone-sized screen.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.browser.conftest import Browsers
from tongban.demo.samples import SAMPLES, fill_form
from tongban.timeutil import utcnow
from tongban.web.runtime import Runtime
from tongban.worker import run_jobs

BUNDLE = "3501-BUNDLE-QYKB"
REVIEWERS = ["scjg", "ga", "sw", "rs", "gjj"]
# 情形引导: rented premises, an agent applies, seal, invoices and staff now (all five
# departments take part)
SITUATIONS = {
    "premises": "leased",
    "agent": "agent",
    "seal": "now",
    "invoice": "now",
    "staff": "now",
}


def _answer(page: Page, name: str, spec: dict[str, Any], value: Any) -> None:
    """Answer one question the way a person would, whatever its widget."""
    field = f"[name='{name}']"
    items = spec.get("items", {})
    if not page.locator(f"{field}, [name^='{name}.0.']").count():
        return  # a field the situation answers left out of this applicant's form
    if spec.get("type") == "array" and items.get("type") == "object":
        for sub, cell in value[0].items():
            _answer(page, f"{name}.0.{sub}", items["properties"][sub], cell)
    elif spec.get("type") == "array" and "enum" in items:
        for option in value:
            page.check(f"{field}[value='{option}']")
    elif spec.get("type") == "array":
        page.fill(field, "\n".join(map(str, value)))
    elif page.locator(field).first.get_attribute("readonly") is not None:
        return  # pulled from shared data and locked: nobody types or chooses there
    elif "enum" in spec:
        page.select_option(field, str(value))
    elif spec.get("type") == "boolean":
        page.check(field)
    else:
        page.fill(field, str(value))


def _fill(page: Page, schema: dict[str, Any]) -> None:
    unique = {"enterprise_name": f"福州{uuid.uuid4().hex[:6]}科技有限公司"}  # used once
    for name, value in fill_form(schema, unique).items():
        _answer(page, name, schema["properties"][name], value)


def _attach_materials(page: Page, materials: list[dict[str, Any]], folder: Path) -> None:
    """Upload what the page asks to upload: generated, signed and shared materials have no
    file input."""
    for material in materials:
        if material["required"] and page.locator(f"#m-{material['code']}").count():
            kind = (material.get("formats") or ["pdf"])[0]
            path = folder / f"{material['code']}.{kind}"
            path.write_bytes(SAMPLES[kind])
            page.set_input_files(f"#m-{material['code']}", str(path))


def _open_task(page: Page, number: str) -> None:
    page.goto("/staff")
    page.click(f"a:text-is('{number}')")
    expect(page.locator("main")).to_contain_text(number)


def test_enterprise_bundle_from_application_to_result(
    people: Browsers, tmp_path: Path, server: str, server_runtime: Runtime
) -> None:
    # each run its own applicant: a company name serves one application (sharing.once)
    applicant = people.sign_in("minfeng" if people.viewport["width"] > 600 else "lisi")
    answers = {f"s_{question}": answer for question, answer in SITUATIONS.items()}
    guide = applicant.request.get(f"/api/v1/bundles/{BUNDLE}", params=answers)
    spec = guide.json()["definition"]  # as the answers tailor it: rented, the lease required
    applicant.goto(f"/bundles/{BUNDLE}")
    applicant.click("text=在线办理")
    expect(applicant.locator("#situations")).to_contain_text("请先回答以下问题")
    for question, answer in SITUATIONS.items():
        applicant.check(f"#s-{question}-{answer}")
    applicant.click("button:text-is('查看我的办事指南')")
    applicant.click("text=按此情形在线办理")
    _fill(applicant, spec["form"])
    _attach_materials(applicant, spec["materials"], tmp_path)
    applicant.click("button:text-is('提交申请')")
    applicant.wait_for_url(re.compile(r"/cases/\d+/review$"))
    review = applicant.locator("main")
    expect(review).to_contain_text("核对申请信息")
    expect(review).to_contain_text(spec["materials"][0]["name"])
    applicant.click("button:text-is('确认提交')")
    applicant.wait_for_url(re.compile(r"/cases/\d+/receipt$"))
    found = re.search(r"/cases/(\d+)", applicant.url)
    assert found is not None
    number = found.group(1)
    expect(applicant.locator("main")).to_contain_text("申请回执")
    expect(applicant.locator("main strong")).to_have_text(number)
    expect(applicant.locator("main")).to_contain_text("待受理")

    clerk = people.sign_in("clerk")
    _open_task(clerk, number)
    clerk.check("#row-0-check")
    clerk.fill("#row-0-problem", "企业名称须与名称自主申报结果一致")
    clerk.click("button:text-is('发出一次性补正告知')")
    clerk.wait_for_url(re.compile(r"/staff"))

    applicant.goto(f"/cases/{number}")
    expect(applicant.locator("main")).to_contain_text("企业名称须与名称自主申报结果一致")
    applicant.click("button:text-is('重新提交')")
    expect(applicant.locator("main")).to_contain_text("待受理")

    _open_task(clerk, number)
    expect(clerk.locator("main")).to_contain_text("已发出过一次性补正告知")
    clerk.click("button:text-is('受理')")

    for username in REVIEWERS:
        reviewer = people.sign_in(username)
        _open_task(reviewer, number)
        reviewer.fill("#review-opinion", f"{username} 审查同意")
        reviewer.click("button:text-is('同意')")
        reviewer.wait_for_url(re.compile(r"/staff"))

    approver = people.sign_in("approver")
    _open_task(approver, number)
    approver.click("button:text-is('核准')")
    approver.wait_for_url(re.compile(r"/staff"))
    issuer = people.sign_in("issuer")
    _open_task(issuer, number)
    issuer.click("button:text-is('制证')")  # signed e-licences take a moment
    issuer.wait_for_url(re.compile(r"/staff"), timeout=60_000)
    # every result is a signed e-licence whose PDF the worker prints right after issue
    run_jobs(server_runtime, now=utcnow())

    applicant.goto(f"/cases/{number}")
    main = applicant.locator("main")
    expect(main).to_contain_text("已办结")
    for username in REVIEWERS:
        expect(main).to_contain_text(f"{username} 审查同意")
    link = applicant.locator("a[href^='/api/v1/results/']").first
    document = applicant.request.get(link.get_attribute("href") or "")
    assert document.ok and document.body().startswith(b"%PDF")

    # 好差评: the applicant rates the service (the next step, whose link opens the form a
    # phone folds); a bad rating is answered by the lead department
    applicant.locator("#next-step a", has_text="评价办结环节").click()
    applicant.check("#rating-score-2")
    applicant.fill("#rating-comment", "补正告知来得晚，希望一次说清")
    applicant.click("button:text-is('提交评价')")
    rating = applicant.locator("#rating")
    expect(rating).to_contain_text("感谢您的评价")
    expect(rating).to_contain_text("整改中")
    clerk.goto("/staff/ratings")
    card = clerk.locator("article", has_text=number)
    card.locator("textarea[name=text]").fill("已约谈经办人，补正告知当日发出")
    card.locator("button:text-is('提交整改情况')").click()
    expect(clerk.locator("article", has_text=number)).to_contain_text("已整改")
    applicant.goto(f"/cases/{number}")
    expect(applicant.locator("#rating")).to_contain_text("已约谈经办人，补正告知当日发出")
