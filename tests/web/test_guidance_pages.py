"""What an applicant meets before the form: the situation questions and the tailored
guide, the guide's tabs with samples and FAQ, the guided finder and plain-word search."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient

from tests.catalog.conftest import CATALOG
from tests.factories import API
from tests.web.support import SignedIn, check_structure, csrf
from tongban.catalog.loader import read_catalog

KCG = "3501-BUNDLE-KCG"
HELD = {"s_licence": "held", "s_operator": "company", "s_premises": "leased", "s_agent": "self"}


def _material_rows(html: str) -> list[str]:
    section = html[html.index('id="tab-materials"') : html.index('id="tab-process"')]
    return re.findall(r"<tr>\s*<td[^>]*>([^<]+)</td>", section)


def test_answers_turn_the_guide_into_the_applicants_own(client: TestClient) -> None:
    full = client.get(f"/bundles/{KCG}").text
    tailored = client.get(f"/bundles/{KCG}", params=HELD).text

    assert "是否已经取得营业执照?" in full and 'name="s_licence"' in full
    assert "公司章程" in full and "公司章程" not in tailored
    assert len(_material_rows(tailored)) == 5 < len(_material_rows(full)) == 12
    assert "根据您的回答，您需要提交 5 份材料" in tailored and "完整清单共 12 份" in tailored
    assert 'value="held" required checked' in tailored
    assert (
        f'href="/apply/{KCG}?s_licence=held&amp;s_operator=company&amp;s_premises=leased&amp;s_agent=self"'
        in tailored
    )
    check_structure(tailored)


def test_the_tailored_guide_states_the_limits_of_the_items_that_apply(client: TestClient) -> None:
    only_registration = {
        "s_premises": "leased",
        "s_agent": "self",
        "s_seal": "later",
        "s_invoice": "later",
        "s_staff": "later",
    }
    html = client.get("/bundles/3501-BUNDLE-QYKB", params=only_registration).text
    facts = html[html.index('id="tab-conditions"') : html.index("单项办事指南")]
    assert "3 个工作日" in facts and "15 个工作日" not in facts  # 设立登记's, not 社保登记's
    assert "2 小时" in facts


def _process_hint(html: str) -> str:
    section = html[html.index('id="tab-process"') : html.index('id="tab-fees"')]
    return re.findall(r'<p class="hint">(.*?)</p>', section, re.S)[0]


def test_the_process_tab_states_the_bundles_order(client: TestClient) -> None:
    closing = _process_hint(client.get("/bundles/3501-BUNDLE-QYZX").text)
    assert "先办税务注销(清税证明开具)，完成后办企业注销登记" in closing
    assert "单位社会保险注销登记同时并联办理" in closing and "各部门并联办理" not in closing
    restaurant = _process_hint(client.get(f"/bundles/{KCG}").text)
    assert "完成后办食品经营许可证核发(告知承诺)" in restaurant

    held = _process_hint(client.get(f"/bundles/{KCG}", params=HELD).text)
    assert "只需办理食品经营许可证核发(告知承诺)一个事项" in held and "并联" not in held
    english = client.get(f"/bundles/{KCG}?lang=en").text
    assert "first, then" in _process_hint(english)


def test_the_bundles_conditions_are_those_of_the_items_that_apply(client: TestClient) -> None:
    html = client.get("/bundles/3501-BUNDLE-QYZX").text
    listed = html[html.index('id="tab-conditions"') : html.index("<details>")]
    assert "已结清应纳税款,取得清税证明" in listed and "已缴销发票和税控设备" in listed
    held = client.get(f"/bundles/{KCG}", params=HELD).text
    listed = held[held.index('id="tab-conditions"') : held.index("<details>")]
    assert "有公司住所,住所符合规划用途" not in listed  # 设立登记 is left out


def test_a_wrong_answer_is_said_and_the_full_guide_stays(client: TestClient) -> None:
    html = client.get(f"/bundles/{KCG}", params={**HELD, "s_licence": "perhaps"}).text
    assert "请回答“是否已经取得营业执照?”" in html and "公司章程" in html


def test_the_form_asks_the_questions_first_then_only_what_applies(
    signed_in: SignedIn,
) -> None:
    client = signed_in("minfeng")
    first = client.get(f"/apply/{KCG}", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == f"/bundles/{KCG}?apply=1#situations"

    form = client.get(f"/apply/{KCG}", params=HELD).text
    assert 'name="food_business_items"' in form and 'name="enterprise_type"' not in form
    assert 'name="m_ARTICLES"' not in form and 'name="m_FOOD_LAYOUT"' in form
    saved = client.post(
        f"/apply/{KCG}",
        params=HELD,
        data={"intent": "save", "phone": "13800000003", "csrf_token": csrf(form)},
    )
    assert saved.status_code == 200, saved.text
    cases = client.get(f"{API}/cases").json()
    assert cases[0]["situation_answers"] == {
        "licence": "held",
        "operator": "company",
        "premises": "leased",
        "agent": "self",
    }
    assert (cases[0]["materials_asked"], cases[0]["materials_listed"]) == (5, 12)


def test_the_guide_has_tabs_that_work_without_script(client: TestClient) -> None:
    html = client.get(f"/bundles/{KCG}").text
    for anchor, title in (
        ("tab-conditions", "申请条件"),
        ("tab-materials", "申请材料"),
        ("tab-process", "办理流程"),
        ("tab-fees", "收费"),
        ("tab-faq", "常见问题"),
    ):
        assert f'<a href="#{anchor}">{title}</a>' in html
        assert f'id="{anchor}"' in html
    assert "开餐馆要办哪些证?" in html  # a FAQ entry of the catalog


def test_a_material_offers_its_sample_and_blank_form(client: TestClient) -> None:
    html = client.get("/items/3501-SCJG-002").text
    assert 'href="/catalog/assets/agent-authorisation-sample.pdf"' in html
    assert 'href="/catalog/assets/agent-authorisation-blank.pdf"' in html

    sample = client.get("/catalog/assets/agent-authorisation-sample.pdf")
    assert sample.status_code == 200 and sample.content.startswith(b"%PDF")
    assert sample.headers["content-type"] == "application/pdf"
    assert client.get("/catalog/assets/nothing.pdf").status_code == 404


def _featured() -> list[str]:
    """The guide pages of the entries the catalog marks 热门事项 (``featured``)."""
    read = read_catalog(CATALOG)
    return [f"/items/{code}" for code, item in read.items.items() if item.get("featured")] + [
        f"/bundles/{code}" for code, bundle in read.bundles.items() if bundle.get("featured")
    ]


def test_the_busiest_guides_answer_common_questions_and_their_forms_open(
    client: TestClient,
) -> None:
    """Issue 16: the 企业开办 guide offered no sample or blank form at all, not even the
    授权委托书 that 开餐馆 offers for the same material, and the 食品经营许可 guide's
    常见问题 tab said there were none; only a few guides had questions at all. Every
    热门事项 the service hall lists now answers questions of its own and every form it
    links opens as a PDF."""
    featured = _featured()
    assert len(featured) >= 15
    home = client.get("/").text
    hall = home[home.index('id="featured-title"') : home.index('id="bundles-title"')]
    for path in featured:
        assert f'href="{path}"' in hall, path
        html = client.get(path).text
        faq = html[html.index('id="tab-faq"') :]
        assert faq.count("<dt>") >= 3 and "暂无常见问题" not in faq, path
        for link in set(re.findall(r'href="(/catalog/assets/[^"]+)"', html)):
            form = client.get(link)
            assert form.status_code == 200 and form.headers["content-type"] == "application/pdf"
            assert form.content.startswith(b"%PDF") and form.content.rstrip().endswith(b"%%EOF")
    founding = client.get("/bundles/3501-BUNDLE-QYKB").text
    materials = founding[founding.index('id="tab-materials"') : founding.index('id="tab-process"')]
    appointment = materials[materials.index("任职文件") :]
    assert appointment.index("/catalog/assets/officer-appointment-sample.pdf") < 1500
    assert "/catalog/assets/officer-appointment-blank.pdf" in appointment[:1500]
    assert "/catalog/assets/agent-authorisation-blank.pdf" in materials
    english = client.get("/items/3501-SCJG-002", params={"lang": "en"}).text
    assert "Do I need a food business licence to sell only pre-packaged food?" in english


def test_every_power_of_attorney_offers_its_sample_and_blank_form(client: TestClient) -> None:
    """Issue 16's trial: the 授权委托书 offered a sample in only some guides; a real portal
    offers one wherever the material is asked, downloadable from the 申请材料 tab."""
    read = read_catalog(CATALOG)
    asked = [
        code
        for code, item in read.items.items()
        if any("授权委托书" in material["name"] for material in item["materials"])
    ]
    assert len(asked) >= 10
    for code in asked:
        html = client.get(f"/items/{code}").text
        materials = html[html.index('id="tab-materials"') : html.index('id="tab-process"')]
        row = materials[materials.index("授权委托书") :].split("</tr>")[0]
        assert 'href="/catalog/assets/agent-authorisation-sample.pdf"' in row, code
        assert 'href="/catalog/assets/agent-authorisation-blank.pdf"' in row, code


def test_the_food_licence_offers_its_application_form_as_sample_and_blank(
    client: TestClient,
) -> None:
    """The 食品经营许可申请书 is made from the online form; who applies at the window or
    wants to see it first downloads its sample and blank form, in the item's guide and in
    开餐馆's."""
    for path in ("/items/3501-SCJG-002", f"/bundles/{KCG}"):
        html = client.get(path).text
        materials = html[html.index('id="tab-materials"') : html.index('id="tab-process"')]
        assert 'href="/catalog/assets/food-business-application-sample.pdf"' in materials, path
        assert 'href="/catalog/assets/food-business-application-blank.pdf"' in materials, path


def test_every_sample_and_blank_form_the_catalog_offers_opens(client: TestClient) -> None:
    """Each file a material's template names, of every item and bundle, is served as a
    PDF whole (not only found on disk when the catalog loads)."""
    read = read_catalog(CATALOG)
    offered = {
        template[kind]
        for entry in [*read.items.values(), *read.bundles.values()]
        for template in entry.get("material_templates") or []
        for kind in ("sample", "blank")
        if kind in template
    }
    assert {"officer-appointment-sample.pdf", "agent-authorisation-blank.pdf"} <= offered
    for name in offered:
        form = client.get(f"/catalog/assets/{name}")
        assert form.status_code == 200 and form.headers["content-type"] == "application/pdf"
        assert form.content.startswith(b"%PDF") and form.content.rstrip().endswith(b"%%EOF")


def test_the_finder_leads_from_who_you_are_to_the_bundle(client: TestClient) -> None:
    home = client.get("/").text
    assert 'href="/finder"' in home
    who = client.get("/finder").text
    assert 'href="/finder?who=enterprise"' in who
    events = client.get("/finder", params={"who": "enterprise"}).text
    assert "开餐馆" in events and "生育" not in events  # a company has no baby
    found = client.get("/finder", params={"who": "enterprise", "event": "开餐馆"}).text
    assert f'href="/bundles/{KCG}"' in found
    births = client.get("/finder", params={"who": "person", "event": "生育"}).text
    assert 'href="/bundles/3501-BUNDLE-XSECS"' in births
    check_structure(found)
    english = client.get("/finder", params={"who": "enterprise", "lang": "en"}).text
    assert "Opening a restaurant" in english and "Closing a business" in english
    assert ">开餐馆<" not in english  # the event's Chinese name only in the link's query


def _finder_links(client: TestClient, params: dict[str, str], kind: str) -> list[str]:
    page = client.get("/finder", params=params).text
    return [unescape(link) for link in re.findall(rf'href="(/{re.escape(kind)}[^"]*)"', page)]


def test_every_item_and_bundle_is_reached_through_the_finders_questions(
    client: TestClient,
) -> None:
    """Issue 16's trial: the finder reached only the five bundles (and 个体工商户); every
    other item could be found only by its name. Each entry now has its place (who applies,
    which event), and the events of a person's life and a business's are offered."""
    reached: set[str] = set()
    events: dict[str, list[str]] = {}
    for who in ("person", "enterprise"):
        links = _finder_links(client, {"who": who}, "finder?who=")
        queries = [parse_qs(urlsplit(link).query) for link in links]
        events[who] = [query["event"][0] for query in queries if "event" in query]
        for event in events[who]:
            for link in _finder_links(client, {"who": who, "event": event}, ""):
                found = re.fullmatch(r"/(?:items|bundles)/([^/?#]+)", link)
                reached |= {found.group(1)} if found else set()
    read = read_catalog(CATALOG)
    assert reached == {*read.items, *read.bundles}, {*read.items, *read.bundles} - reached
    assert {"生育", "买卖房屋", "身份证与居住证", "就业失业", "救助与养老", "看病就医"} <= set(
        events["person"]
    )
    assert {"开办企业", "开餐馆", "企业注销", "经营许可", "工程建设"} <= set(events["enterprise"])
    assert "生育" not in events["enterprise"]  # a company has no baby


def test_plain_word_questions_find_the_bundle_through_its_synonyms(client: TestClient) -> None:
    def first(query: str) -> str:
        return str(client.get(f"{API}/search", params={"q": query}).json()[0]["code"])

    assert first("开饭店要办什么证") == KCG
    assert first("公司不想干了怎么注销") == "3501-BUNDLE-QYZX"
    assert first("孩子出生了") == "3501-BUNDLE-XSECS"
    html = client.get("/", params={"q": "开饭店要办什么证"}).text
    assert f'href="/bundles/{KCG}"' in html


def test_the_allowance_and_the_simplified_closing_offer_their_forms(client: TestClient) -> None:
    """低保 asks every adult of the household to sign the 家庭经济状况核对授权书, and a
    simplified closing (简易注销) the investors' 承诺书 in place of the liquidation report:
    both guides offer a sample and a blank form beside the material."""
    for path, material, form in (
        ("/items/3501-MZ-001", "家庭经济状况核对授权书", "family-finances-consent"),
        ("/items/3501-SCJG-004", "经确认的清算报告", "investors-commitment"),
    ):
        html = client.get(path).text
        materials = html[html.index('id="tab-materials"') : html.index('id="tab-process"')]
        row = materials[materials.index(material) :][:1500]
        assert f"/catalog/assets/{form}-sample.pdf" in row, path
        assert f"/catalog/assets/{form}-blank.pdf" in row, path
