"""English pages show an item's fees, its result and where to go (办理地点) in English:
the catalog gives ``name_en``/``basis_en`` of fees, ``name_en`` of the result and
``window_en`` of items and departments; Chinese pages keep the Chinese."""

from __future__ import annotations

import html
from typing import Any

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from tests.payments.helpers import orders, submit_id_card
from tests.web.support import SignedIn
from tongban.catalog.models import Department
from tongban.web.templating import environment

ITEM = "3501-ZRZY-001"  # 不动产登记: four fees, a paid one per extra certificate
FEE_ZH, FEE_EN = "不动产登记费(住宅)", "Real estate registration fee (residential)"
BASIS_EN = "Fagai Jiage Gui [2016] No. 2559: 10 yuan production fee for each additional certificate"
RESULT_ZH, RESULT_EN = "不动产权证书", "Real estate title certificate"
ID_FEE_ZH, ID_FEE_EN = "居民身份证工本费(换领)", "Resident ID card production fee (renewal)"
PLACE_EN = "Real Estate Registration Window, 4th floor, Fuzhou Administrative Service Center"


def test_an_english_guide_shows_fees_result_and_place_in_english(client: TestClient) -> None:
    html = client.get(f"/items/{ITEM}", params={"lang": "en"}).text
    assert str(escape(FEE_EN)) in html and FEE_ZH not in html
    assert str(escape(BASIS_EN)) in html
    assert f"<dd>{RESULT_EN} (" in html and f"<dd>{RESULT_ZH}" not in html
    assert PLACE_EN in html and "四楼不动产登记窗口" not in html


def test_a_chinese_guide_keeps_the_chinese(client: TestClient) -> None:
    html = client.get(f"/items/{ITEM}").text
    assert FEE_ZH in html and FEE_EN not in html
    assert f"<dd>{RESULT_ZH}（" in html
    assert "四楼不动产登记窗口" in html and PLACE_EN not in html


def test_the_assistant_answers_fees_and_place_in_english(client: TestClient) -> None:
    html = client.get("/ask", params={"q": "不动产登记要交多少钱", "lang": "en"}).text
    assert str(escape(FEE_EN)) in html and FEE_ZH not in html
    assert PLACE_EN in html


def test_a_case_pages_fee_lines_and_the_payments_api_give_the_fee_in_english(
    client: TestClient, as_user: Any, signed_in: SignedIn
) -> None:
    number = submit_id_card(client, as_user("zhangsan"))
    [order] = orders(client, as_user("zhangsan"), number)
    [line] = order["lines"]
    assert (line["name"], line["name_en"]) == (ID_FEE_ZH, ID_FEE_EN)
    person = signed_in("zhangsan")
    person.cookies.set("tongban_lang", "en")
    html = person.get(f"/cases/{number}").text
    assert ID_FEE_EN in html and ID_FEE_ZH not in html


@pytest.mark.parametrize(
    ("locale", "shown"),
    [("en", "Taxation Window, 2nd floor"), ("zh", "二楼税务窗口")],
)
def test_an_item_without_its_own_place_shows_its_departments_in_the_pages_language(
    locale: str, shown: str
) -> None:
    page = environment().from_string(
        '{% import "_macros.html" as m with context %}{{ m.place(item, departments) }}'
    )
    department = Department(
        code="SW", window="二楼税务窗口", window_en="Taxation Window, 2nd floor"
    )
    html = page.render(locale=locale, item={"department": "SW"}, departments={"SW": department})
    assert html == shown


def test_guides_and_forms_in_english_show_material_notes_and_choices_in_english(
    signed_in: SignedIn,
) -> None:
    """trial10, fault 12: material notes and select options stayed Chinese in English."""
    client = signed_in("zhangsan")
    guide = html.unescape(client.get("/items/3501-RS-003?lang=en").text)
    assert "Not needed if you hold an electronic ID card or verified your face online" in guide
    assert "已有电子身份证照或刷脸核验的" not in guide
    form = html.unescape(client.get("/apply/3501-RS-003?lang=en").text)
    assert '<option value="大学本科">University (bachelor\'s degree)</option>' in form
    assert '<option value="鼓楼区">Gulou District</option>' in form
    chinese = client.get("/apply/3501-RS-003").text
    assert '<option value="大学本科">大学本科</option>' in chinese
