"""Submitting online goes form → review (核对) → confirm → receipt (申请回执); nothing is
submitted before 「确认提交」 and nothing typed is lost on the way back.
"""

from __future__ import annotations

from importlib import resources

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.support import (
    ITEM,
    PDF,
    VALID,
    SignedIn,
    check_structure,
    confirm,
    csrf,
    fill_in,
    found,
)
from tongban.audit.models import AuditEntry

ID_PDF = {"m_ID_CARD": ("id.pdf", PDF, "application/pdf")}


def _review(client: TestClient) -> tuple[str, str]:
    """Fill in a valid application; (case number, review page)."""
    review = fill_in(client, ITEM, VALID, ID_PDF)
    assert review.status_code == 200, review.text
    number = found(r"/cases/(\d+)/review", str(review.url))
    return number, review.text


def test_submit_shows_everything_for_review_before_anything_is_sent(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    number, html = _review(client)
    check_structure(html)
    assert "核对申请信息：失业登记" in html
    assert "<dt>现居住地址</dt><dd>福州市鼓楼区五四路1号</dd>" in html
    assert "申请人(经办人)居民身份证" in html and '<span class="file-name">id.pdf</span>' in html
    assert "未上传 · 可容缺受理" in html  # TERMINATION_PROOF may follow after acceptance
    assert "网上送达（在线下载）" in html and "自受理之日起 1 个工作日" in html
    assert f'href="/cases/{number}/edit">返回修改</a>' in html
    assert "确认提交" in html
    assert "草稿" in client.get("/my/cases").text  # not submitted yet


def test_back_to_edit_keeps_answers_and_uploads(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    number, _ = _review(client)
    edit = client.get(f"/cases/{number}/edit").text
    assert 'value="福州市鼓楼区五四路1号"' in edit
    assert '<span class="file-name">id.pdf</span>' in edit


def test_confirm_submits_and_shows_the_receipt(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    number, html = _review(client)
    receipt = confirm(client, html)
    assert receipt.status_code == 200
    assert str(receipt.url).endswith(f"/cases/{number}/receipt")
    check_structure(receipt.text)
    text = receipt.text
    assert "申请回执" in text and f"<strong>{number}</strong>" in text
    assert "失业登记" in text and "张三" in text and "待受理" in text
    # submitted Monday 2025-09-22: five working days to decide, the last one the make-up
    # working Sunday before National Day
    assert "2025-09-22 09:00" in text and "截至 2025-09-28" in text
    assert "自受理之日起 1 个工作日" in text and "一次性告知" in text
    assert f'href="/cases/{number}"' in text
    assert "data-print" in text and 'class="muted no-print"' in text
    assert "待受理" in client.get(f"/cases/{number}").text


def test_the_receipt_prints_without_the_site_around_it() -> None:
    css = resources.files("tongban").joinpath("static/style.css").read_text(encoding="utf-8")
    rules = css[css.index("@media print") :]
    assert "header.site" in rules and ".no-print" in rules


def test_confirming_twice_submits_once(signed_in: SignedIn, db: Session) -> None:
    client = signed_in("zhangsan")
    number, html = _review(client)
    confirm(client, html)
    again = confirm(client, html)  # a double click, or the back button
    assert again.status_code == 200 and str(again.url).endswith(f"/cases/{number}/receipt")
    submitted = select(AuditEntry).where(
        AuditEntry.object_id == number, AuditEntry.action == "case.submit"
    )
    assert len(db.scalars(submitted).all()) == 1


def test_a_problem_found_on_confirming_goes_back_to_the_form(signed_in: SignedIn) -> None:
    """Say the draft changed in another tab after review: nothing is submitted, nothing lost."""
    client = signed_in("zhangsan")
    number, html = _review(client)
    partial = {k: v for k, v in VALID.items() if k != "residence_address"}
    client.post(
        f"/cases/{number}/edit", data={**partial, "intent": "save", "csrf_token": csrf(html)}
    )
    response = confirm(client, html)
    assert response.status_code == 422
    assert '<p class="error" id="e-residence_address">“现居住地址”必须填写</p>' in response.text
    assert 'value="13800000001"' in response.text
    assert '<span class="file-name">id.pdf</span>' in response.text
    assert "草稿" in client.get("/my/cases").text


def test_review_of_an_incomplete_draft_shows_the_form_with_the_problems(
    signed_in: SignedIn,
) -> None:
    client = signed_in("zhangsan")
    token = csrf(client.get(f"/apply/{ITEM}").text)
    saved = client.post(
        f"/apply/{ITEM}", data={"applicant_name": "张三", "intent": "save", "csrf_token": token}
    )
    number = found(r"/cases/(\d+)/edit", str(saved.url))
    review = client.get(f"/cases/{number}/review")
    assert review.status_code == 422
    assert 'id="e-phone">“联系电话(手机号码)”必须填写' in review.text
    assert 'id="me-ID_CARD">请上传“申请人(经办人)居民身份证”' in review.text


def test_confirm_needs_the_form_token(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    number, _ = _review(client)
    assert client.post(f"/cases/{number}/submit", data={}).status_code == 403
    assert "草稿" in client.get("/my/cases").text


def test_receipt_of_a_draft_leads_to_the_case(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    number, _ = _review(client)
    response = client.get(f"/cases/{number}/receipt", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == f"/cases/{number}"


def test_other_applicants_see_neither_review_nor_receipt(signed_in: SignedIn) -> None:
    number, html = _review(signed_in("zhangsan"))
    confirm(signed_in("zhangsan"), html)
    other = signed_in("lisi")
    assert other.get(f"/cases/{number}/review").status_code == 404
    assert other.get(f"/cases/{number}/receipt").status_code == 404


def test_review_and_receipt_in_english(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    client.cookies.set("tongban_lang", "en")
    _, html = _review(client)
    assert "Review your application" in html and "Confirm and submit" in html
    receipt = confirm(client, html).text
    assert "Application receipt" in receipt and "Acceptance decision due" in receipt


def test_the_window_hands_out_the_same_receipt(signed_in: SignedIn) -> None:
    clerk = signed_in("clerk")
    page = clerk.get(f"/staff/intake/{ITEM}").text
    person = {"walkin_id_number": VALID["applicant_id_number"], "walkin_name": "张三"}
    receipt = clerk.post(
        f"/staff/intake/{ITEM}", data={**VALID, **person, "csrf_token": csrf(page)}, files=ID_PDF
    ).text
    assert "收件回执" in receipt and "受理期限" in receipt and "继续代办" in receipt
    assert "查看办件进度" not in receipt
