"""Pages: 我的证照 for the holder only, one licence with its QR code and download, staff
only through a case they handle, the public verification page, the status form."""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient

from tests.factories import API
from tests.licences.support import BUSINESS, FOOD, held, licensed
from tests.web.support import csrf, sign_in
from tongban.web.i18n import KIOSK_COOKIE


def _licence(client: TestClient, as_user: Any, code: str = FOOD) -> dict[str, Any]:
    return held(client, as_user("minfeng"), licensed(client, as_user, code)["number"])


def test_the_wallet_shows_the_holder_their_licence_with_a_qr_code_and_download(
    client: TestClient, as_user: Any
) -> None:
    licence = _licence(client, as_user)
    sign_in(client, "minfeng")
    wallet = client.get("/my/licences")
    assert wallet.status_code == 200 and licence["number"] in wallet.text
    page = client.get(f"/licences/{licence['id']}")
    assert page.status_code == 200 and "<svg" in page.text and licence["identifier"] in page.text
    assert "变更证照状态" not in page.text  # the holder cannot change its status
    download = re.search(r'href="([^"]+)" download', page.text)
    assert download is not None
    pdf = client.get(download.group(1))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert licence["number"] in pdf.headers["content-disposition"]


def test_at_a_self_service_terminal_the_licence_is_printed_and_nothing_downloaded(
    client: TestClient, as_user: Any
) -> None:
    """A kiosk is shared: its header leads to one's licences, which are printed from their
    page; no link saves the PDF on the terminal."""
    licence = _licence(client, as_user)
    client.cookies.set(KIOSK_COOKIE, "FZ-XZFW")
    sign_in(client, "minfeng")
    home = client.get("/my/cases")
    assert 'href="/my/licences"' in home.text
    wallet = client.get("/my/licences")
    assert licence["number"] in wallet.text and "查看并打印" in wallet.text
    page = client.get(f"/licences/{licence['id']}")
    assert "打印电子证照" in page.text and "data-print" in page.text
    for shown in (wallet.text, page.text):
        assert " download" not in shown and "/document" not in shown


def test_the_licence_page_lists_the_holders_code_once(client: TestClient, as_user: Any) -> None:
    """A 营业执照's face prints 统一社会信用代码, and the page listed the holder's code again."""
    for item in (BUSINESS, FOOD):
        result = licensed(client, as_user, item)
        licence = held(client, as_user("minfeng"), result["number"])
        sign_in(client, "minfeng")
        page = client.get(f"/licences/{licence['id']}").text
        facts = page[page.index("<dl>") : page.index("</dl>")]
        assert facts.count(f"<dd>{licence['holder_code']}</dd>") == 1, item


def test_the_qr_code_address_opens_the_verification_page_of_the_licence(
    client: TestClient, as_user: Any
) -> None:
    licence = _licence(client, as_user)
    address = urlsplit(licence["verify_url"])
    assert address.path == "/licences/verify"
    page = client.get(f"{address.path}?{address.query}")
    assert (
        page.status_code == 200 and "证照真实有效" in page.text and licence["number"] in page.text
    )


def test_another_applicant_and_another_department_do_not_see_it(
    client: TestClient, as_user: Any
) -> None:
    licence = _licence(client, as_user)
    assert licence["id"] not in [
        item["id"] for item in client.get(f"{API}/licences", headers=as_user("zhangsan")).json()
    ]
    assert (
        client.get(f"{API}/licences/{licence['id']}", headers=as_user("zhangsan")).status_code
        == 404
    )
    assert client.get(f"{API}/licences/{licence['id']}", headers=as_user("ga")).status_code == 404
    assert (
        client.get(
            f"{API}/licences/{licence['id']}/document", headers=as_user("zhangsan")
        ).status_code
        == 404
    )
    sign_in(client, "zhangsan")
    assert licence["number"] not in client.get("/my/licences").text
    assert client.get(f"/licences/{licence['id']}").status_code == 404


def test_the_issuing_department_suspends_it_on_the_page_and_the_public_page_says_so(
    client: TestClient, as_user: Any
) -> None:
    licence = _licence(client, as_user)
    sign_in(client, "scjg-hz")  # the approver changes a status
    page = client.get(f"/licences/{licence['id']}")
    assert page.status_code == 200 and "变更证照状态" in page.text
    token = csrf(page.text)
    empty = client.post(
        f"/licences/{licence['id']}/status",
        data={"action": "suspend", "reason": " ", "csrf_token": token},
    )
    assert empty.status_code == 409 and "请填写理由" in empty.text
    done = client.post(
        f"/licences/{licence['id']}/status",
        data={
            "action": "suspend",
            "reason": "责令停业整顿（食品安全法第一百二十六条）",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    client.cookies.clear()
    public = client.get("/licences/verify", params={"q": licence["identifier"]})
    assert (
        public.status_code == 200
        and "已暂扣" in public.text
        and licence["holder_name"] in public.text
    )


def test_the_case_page_links_its_licence(client: TestClient, as_user: Any) -> None:
    result = licensed(client, as_user, FOOD)
    sign_in(client, "minfeng")
    page = client.get(f"/cases/{result['case_number']}").text
    assert "电子证照" in page and result["number"] in page
    assert "签发电子证照" in page  # the timeline names the issuing


def test_a_number_with_a_wrong_check_character_is_called_malformed_not_unknown(
    client: TestClient,
) -> None:
    """A 营业执照 number (credit code) or an identifier whose check character is wrong
    cannot be anybody's licence: the page says the number itself is wrong."""
    wrong_code = "91350102MA2XQ1K7XA"  # the demo company's code, last character changed
    identifier = "1.2.156.3005.2.11100000000013127D001.11350100003591044X.91350102MA2XQ1K7XN.001.0"
    for text in (wrong_code, identifier):
        page = client.get("/licences/verify", params={"q": text})
        assert page.status_code == 200 and "证照编号或标识有误" in page.text, text
        assert "校验" in page.text and "证照库中没有该证照" not in page.text
    unknown = client.get("/licences/verify", params={"q": "91350102MA2XQ1K7XN"})
    assert "证照库中没有该证照" in unknown.text  # well formed, just not issued here
    english = client.get("/licences/verify", params={"q": wrong_code, "lang": "en"})
    assert "malformed" in english.text


def test_the_licence_page_in_english_names_its_fields_in_english(
    client: TestClient, as_user: Any
) -> None:
    """trial10, fault 12: /licences/<id> in English still labelled its fields 经营者名称,
    许可证编号 … (the printed face's labels), and a general licence its form's titles."""
    food = _licence(client, as_user)
    drugs = _licence(client, as_user, "3501-SCJG-006")
    sign_in(client, "minfeng")
    page = html.unescape(client.get(f"/licences/{food['id']}?lang=en").text)
    for english in ("Operator's name", "Licence number", "Signed by", "Business premises"):
        assert f"<dt>{english}</dt>" in page, english
    assert "<dt>经营者名称</dt>" not in page and "<dt>许可证编号</dt>" not in page
    labels = re.findall(r"<dt>([^<]*)</dt>", client.get(f"/licences/{drugs['id']}?lang=en").text)
    assert labels and not [label for label in labels if re.search(r"[\u4e00-\u9fff]", label)]


def test_the_english_business_licence_labels_its_representative_as_on_its_face(
    client: TestClient, as_user: Any
) -> None:
    """The English 营业执照 page labelled the legal representative's name "Legal
    representative's (person in charge) citizen ID number": the form titles' English (for
    licences with no face of their own) was looked up first, and two titles start with
    法定代表人. A face of its own is labelled by the pages' translation of its labels."""
    business = _licence(client, as_user, BUSINESS)
    sign_in(client, "minfeng")
    page = html.unescape(client.get(f"/licences/{business['id']}?lang=en").text)
    rows = dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", page))
    assert "Legal representative's (person in charge) citizen ID number" not in rows
    assert rows["Legal representative"] == "林晓峰", rows
