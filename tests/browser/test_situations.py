"""An applicant answers the situation questions of 我要开餐馆 in a browser and gets a
form that asks only what applies to them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Browsers

pytestmark = pytest.mark.browser

KCG = "3501-BUNDLE-KCG"


def test_answering_the_questions_tailors_the_guide_and_the_form(people: Browsers) -> None:
    page = people.sign_in("minfeng")
    page.goto(f"/apply/{KCG}")
    expect(page.get_by_text("请先回答以下问题，再填写申请表。")).to_be_visible()

    page.get_by_label("已有营业执照,只办食品经营许可证").check()
    page.get_by_role("radio", name="有限责任公司").check()
    page.get_by_label("租赁").check()
    page.get_by_label("本人办理").check()
    page.get_by_role("button", name="查看我的办事指南").click()

    expect(page.get_by_text("根据您的回答，您需要提交 5 份材料")).to_be_visible()
    expect(page.locator("#tab-materials")).not_to_contain_text("公司章程")
    page.get_by_role("link", name="按此情形在线办理").click()

    expect(page.locator('[name="food_business_items"]').first).to_be_attached()
    expect(page.locator('[name="enterprise_type"]')).to_have_count(0)
    expect(page.locator('[name="m_ARTICLES"]')).to_have_count(0)
