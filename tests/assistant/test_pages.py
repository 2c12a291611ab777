"""The assistant's pages: the ask box on portal pages posts a question and shows the answer
built from the catalog; a follow-up keeps the entry; a question nothing answers is said so,
offers the hotline and the window, and is listed for catalog administrators, whose FAQ
entry changes the next answer; one's own cases only, and never another person's."""

from __future__ import annotations

import html
import re

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.factories import API
from tests.web.support import SignedIn, check_structure, csrf
from tongban.assistant.models import UnansweredQuestion


def _ask(client: TestClient, question: str, about: str = "") -> str:
    token = csrf(client.get("/").text)
    data = {"q": question, "csrf_token": token, **({"about": about} if about else {})}
    response = client.post("/ask", data=data)
    assert response.status_code == 200, response.text
    return response.text


def _about(page: str) -> str:
    found = re.search(r'name="about" value="([^"]+)"', page)
    assert found, "no follow-up context on the answer page"
    return found.group(1)


def test_a_plain_question_is_answered_from_the_catalog(client: TestClient) -> None:
    page = _ask(client, "开饭店要办什么证")
    check_structure(page)
    assert "我要开餐馆" in page and 'href="/bundles/3501-BUNDLE-KCG"' in page
    assert 'href="/apply/3501-BUNDLE-KCG"' in page  # the button to start
    assert "/bundles/3501-BUNDLE-KCG#tab-materials" in page  # each part names its source
    assert "公司章程" in page  # a material of the bundle's items, from the catalog


def test_a_follow_up_keeps_the_entry_and_leads_with_the_part_asked(client: TestClient) -> None:
    first = _ask(client, "孩子出生了要办哪些手续")
    assert _about(first) == "3501-BUNDLE-XSECS"
    then = _ask(client, "那要带什么材料？", about=_about(first))
    assert "新生儿出生一件事" in then
    parts = re.findall(r'<section class="card part( asked-part)?"', then)
    assert parts[0] == " asked-part"  # materials first, marked as what was asked


def test_situations_tailor_the_materials(client: TestClient) -> None:
    page = client.get("/ask", params={"q": "开饭店", "about": "3501-BUNDLE-KCG"}).text
    assert "房屋租赁合同" in page
    answers = {
        "s_licence": "none",
        "s_operator": "company",
        "s_premises": "owned",
        "s_agent": "self",
    }
    owned = client.get("/ask", params={"q": "开饭店", "about": "3501-BUNDLE-KCG", **answers}).text
    assert "房屋租赁合同" not in owned and "s_premises=owned" in owned


def test_traditional_characters_and_pinyin(client: TestClient) -> None:
    assert "失业登记" in _ask(client, "失業登記")
    assert "失业登记" in _ask(client, "shiye dengji")


def test_unanswered_is_said_logged_and_answered_by_an_admin_faq(
    client: TestClient, signed_in: SignedIn
) -> None:
    question = "证件照能用手机拍吗"
    for _ in range(2):
        page = _ask(client, question)
        assert "这个问题我还答不上来" in page and 'href="/halls"' in page
        assert 'href="tel:12345"' in page  # a phone dials the hotline
    _ask(client, "火星移民签证")
    admin = signed_in("admin")
    listing = admin.get("/admin/assistant").text
    check_structure(listing)
    rows = re.findall(r"<tr><td><a [^>]*>([^<]+)</a></td><td>(\d+)</td>", listing)
    assert rows[:2] == [(question, "2"), ("火星移民签证", "1")]  # most asked first
    answer = "换领居民身份证的照片由公安机关窗口现场采集，不必自带。"
    token = csrf(listing)
    saved = admin.post(
        "/admin/assistant/answers",
        data={"question": question, "code": "3501-GA-003", "answer": answer, "csrf_token": token},
    )
    assert saved.status_code == 200 and "新版本已生效" in saved.text
    assert question not in saved.text.split("补充答案")[0]  # no longer open
    client.cookies.clear()
    page = html.unescape(_ask(client, question))
    assert answer in page and "居民身份证换领" in page and "#tab-faq" in page


def test_every_way_of_asking_keeps_an_unanswered_question_once(
    client: TestClient, db: Session
) -> None:
    """The box's POST (whose answer is drawn by the GET it leads to), a link or a kiosk
    opening ``GET /ask?q=…`` and the API each count it once, on its one row; junk is not
    kept."""
    _ask(client, "火星移民签证")
    assert client.get("/ask", params={"q": "火星移民签证"}).status_code == 200
    client.get(f"{API}/assistant", params={"q": "火星移民签证"})
    for junk in ("？", "啊", "。。。", "!"):
        assert "这个问题我还答不上来" in _ask(client, junk)
    kept = [(row.question, row.asks) for row in db.query(UnansweredQuestion)]
    assert kept == [("火星移民签证", 3)]


def test_an_admin_synonym_changes_the_next_answer(client: TestClient, signed_in: SignedIn) -> None:
    assert "这个问题我还答不上来" in _ask(client, "换个大头照")
    admin = signed_in("admin")
    token = csrf(admin.get("/admin/assistant").text)
    data = {"question": "换个大头照", "code": "3501-GA-003", "answer": "", "csrf_token": token}
    assert "同义说法已加入" in admin.post("/admin/assistant/answers", data=data).text
    client.cookies.clear()
    assert "居民身份证换领" in _ask(client, "换个大头照")


def test_an_admin_adds_an_english_question_as_an_english_synonym(
    client: TestClient, signed_in: SignedIn
) -> None:
    """An English question the assistant could not answer becomes an English synonym
    (``synonyms_en``: the Chinese ``synonyms`` hold 40 characters, and an English phrase
    among them would read as Chinese on the catalog's pages); as an FAQ entry, which is
    written in Chinese, it is refused saying what to do instead."""
    client.cookies.set("tongban_lang", "en")
    asked = html.unescape(client.get("/ask", params={"q": "upgrade my PRC card"}).text)
    assert "Sorry" in asked
    admin = signed_in("admin")
    token = csrf(admin.get("/admin/assistant").text)
    data = {"question": "upgrade my PRC card", "code": "3501-GA-003", "csrf_token": token}
    refused = admin.post("/admin/assistant/answers", data={**data, "answer": "去派出所"})
    assert refused.status_code == 422 and "作为英文同义说法加入" in html.unescape(refused.text)
    assert "同义说法已加入" in admin.post("/admin/assistant/answers", data=data).text
    client.cookies.clear()
    client.cookies.set("tongban_lang", "en")
    page = html.unescape(client.get("/ask", params={"q": "upgrade my PRC card"}).text)
    assert "Resident identity card renewal" in page


def test_a_bad_addition_is_refused_with_what_was_typed_kept(signed_in: SignedIn) -> None:
    admin = signed_in("admin")
    token = csrf(admin.get("/admin/assistant").text)
    data = {"question": "好" * 60, "code": "3501-GA-003", "answer": "", "csrf_token": token}
    refused = admin.post("/admin/assistant/answers", data=data)
    assert refused.status_code == 422 and "好" * 60 in refused.text
    assert 'role="alert"' in refused.text


def test_a_synonym_already_there_is_refused_in_plain_chinese(signed_in: SignedIn) -> None:
    admin = signed_in("admin")
    token = csrf(admin.get("/admin/assistant").text)
    data = {"question": "换新身份证", "code": "3501-GA-003", "answer": "", "csrf_token": token}
    refused = html.unescape(admin.post("/admin/assistant/answers", data=data).text)
    assert "同义说法（synonyms）：“换新身份证”出现了不止一次，请删去重复的一项" in refused
    assert "non-unique" not in refused


def test_only_catalog_admins_see_unanswered_questions(signed_in: SignedIn) -> None:
    assert signed_in("zhangsan").get("/admin/assistant").status_code == 403


def test_an_empty_or_long_question_is_refused_plainly(client: TestClient) -> None:
    token = csrf(client.get("/").text)
    refused = client.post("/ask", data={"q": "x" * 201, "csrf_token": token})
    assert refused.status_code == 422 and "200" in refused.text and "x" * 201 in refused.text


def test_the_ask_box_is_on_portal_pages_in_english_too(client: TestClient) -> None:
    home = client.get("/", params={"lang": "en"}).text
    assert 'action="/ask"' in home and "Ask the assistant" in home


def test_an_english_question_is_answered_in_english_on_the_english_page(
    client: TestClient,
) -> None:
    """Before, the index held only the catalog's Chinese: "how do I register a company" was
    declined with the plain "cannot answer" reply."""
    client.cookies.set("tongban_lang", "en")
    page = html.unescape(client.get("/ask", params={"q": "how do I register a company"}).text)
    check_structure(page)
    assert "You may be looking for" in page and "Company incorporation registration" in page
    assert "Apply to establish a limited liability company" in page  # its English summary
    assert 'href="/apply/3501-SCJG-001"' in page
    assert "企业设立登记" not in page  # the names are the catalog's English
    baby = html.unescape(client.get("/ask", params={"q": "my baby was born, what do I do"}).text)
    assert "Birth of a child" in baby.split('id="answer-title"')[1].split("</h2>")[0]


def test_a_short_english_word_is_read_as_english_not_as_pinyin_initials(
    client: TestClient,
) -> None:
    """ "birth" and "visa" (five letters or fewer) were read as pinyin initials (b·i·r·t·h)
    and got the plain "cannot answer" reply: a word the catalog's English texts hold is
    English."""
    client.cookies.set("tongban_lang", "en")
    birth = html.unescape(client.get("/ask", params={"q": "birth"}).text)
    assert "You may be looking for" in birth and 'href="/apply/3501-WJW-001"' in birth
    visa = html.unescape(client.get("/ask", params={"q": "visa"}).text)
    assert "does not handle" in visa


def test_how_much_one_gets_for_a_birth_finds_the_maternity_allowance(client: TestClient) -> None:
    """生孩子能领多少钱 was answered with the newborn's registrations, not 生育津贴: now
    with it, and with how much it is (the entry's summary: the employer's average monthly
    wage, for the days of maternity leave)."""
    page = html.unescape(_ask(client, "生孩子能领多少钱"))
    title = page.split('id="answer-title"')[1].split("</h2>")[0]
    assert "生育津贴申领" in title
    assert "按用人单位上年度职工月平均工资计发" in page


def test_a_follow_up_keeps_the_situation_chosen(client: TestClient) -> None:
    """Trial 17: after 按我的情形列出材料, "那要带什么材料？" listed all 12 materials again and
    its 开始申请 dropped the situation."""
    answers = {"s_licence": "held", "s_operator": "individual", "s_premises": "leased"}
    answers |= {"s_agent": "self"}
    chosen = client.get("/ask", params={"q": "开饭店要办什么证", **answers}).text
    token = csrf(chosen)
    assert 'name="s_premises" value="leased"' in chosen.split('class="ask-more')[1]
    form = {"q": "那要带什么材料？", "about": _about(chosen), "csrf_token": token, **answers}
    then = client.post("/ask", data=form)
    assert then.status_code == 200 and "s_premises=leased" in str(then.url)
    assert 'href="/apply/3501-BUNDLE-KCG?s_licence=held' in then.text
    assert "按您的情形列出" in then.text


def test_a_question_on_how_to_apply_is_answered_from_the_guide(client: TestClient) -> None:
    page = html.unescape(_ask(client, "能代办吗", about="3501-SCJG-006"))
    part = page.split('id="part-channels"')[1].split("</section>")[0]
    assert "网上可办（部分环节在现场，如现场核查）" in part and "邮寄送达" in part
    assert 'href="/my/authorisations"' in part


def test_the_english_ask_box_and_situation_form_keep_the_language(client: TestClient) -> None:
    """Trial 17: asked from the header box of ``/?lang=en``, the answer came in Chinese."""
    home = client.get("/", params={"lang": "en"}).text
    assert '<input type="hidden" name="lang" value="en">' in home
    data = {"q": "开饭店要办什么证", "lang": "en", "csrf_token": csrf(home)}
    page = client.post("/ask", data=data)
    assert "lang=en" in str(page.url) and "You asked" in html.unescape(page.text)
    situation = page.text.split('id="situation-title"')[1].split("</form>")[0]
    assert 'name="lang" value="en"' in situation
    materials = html.unescape(page.text).split('id="part-materials"')[1].split("</section>")[0]
    assert "1 original" in materials and "原件" not in materials  # copies in English too


def test_the_guide_does_not_promise_a_visit_it_counts_as_none(client: TestClient) -> None:
    """Trial 17: 3501-SCJG-006's guide said "网上可办（需到现场一次）" beside "到现场次数 0"
    (the part on site is the department's inspection of the pharmacy, not a visit)."""
    guide = html.unescape(client.get("/items/3501-SCJG-006").text)
    assert "到现场次数</dt><dd>0" in guide and "需到现场一次" not in guide


def test_conditions_and_how_a_benefit_works_are_english_on_english_pages(
    client: TestClient,
) -> None:
    """trial17: on English pages the conditions (申请条件) and the 免申即享 ``policy.how`` of
    the old-age allowance were Chinese, in answers and on the guide alike."""
    client.cookies.set("tongban_lang", "en")
    asked = {"q": "what are the conditions to renew my identity card"}
    page = html.unescape(client.get("/ask", params=asked).text)
    assert "A resident with household registration in this city" in page
    assert "本市户籍居民" not in page
    allowance = html.unescape(client.get("/ask", params={"q": "old age allowance"}).text)
    assert "residents of this city aged 80 or over are notified" in allowance
    guide = html.unescape(client.get("/items/3501-MZ-002").text)
    assert "residents of this city aged 80 or over are notified" in guide
    assert "Aged 80 or over (by the last day of the month)" in guide
    assert "年满80周岁" not in guide
    api = client.get("/api/v1/assistant", params=asked).json()
    item = api["entries"][0]["items"][0]
    assert item["conditions_en"][0] == "A resident with household registration in this city"
