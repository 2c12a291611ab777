"""The fee is told before it is asked (trial15): the review page names it before
submitting, and both receipts name the amount, the payment code and that it is paid
before acceptance, so a walk-in applicant without a phone pays with the printed code."""

from __future__ import annotations

from typing import Any

from tests.factories import API, draft
from tests.payments.helpers import ID_CARD, orders, walk_in_receipt
from tests.web.conftest import signed_in
from tests.web.support import SignedIn, csrf, found

__all__ = ["signed_in"]


def test_the_review_page_and_the_receipt_name_the_fee_and_its_payment_code(
    signed_in: SignedIn, as_user: Any
) -> None:
    page = signed_in("zhangsan")
    applicant = as_user("zhangsan")
    case = draft(page, applicant, ID_CARD)
    number = case["number"]
    body = {"form_data": case["form_data"], "delivery": "window"}
    assert page.patch(f"{API}/cases/{number}", json=body, headers=applicant).status_code == 200
    review = page.get(f"/cases/{number}/review")
    assert review.status_code == 200, review.text
    assert "应缴费用" in review.text and "20.00 元" in review.text
    assert "受理前缴费：提交后生成缴款码，缴费到账后窗口方可受理" in review.text
    submitted = page.post(f"/cases/{number}/submit", data={"csrf_token": csrf(review.text)})
    assert submitted.status_code == 200 and "申请回执" in submitted.text
    code = orders(page, applicant, number)[0]["payment_code"]
    assert f'<strong class="payment-code">{code}</strong>' in submitted.text
    assert "先缴纳受理前应缴的费用（金额和缴款码见上）" in submitted.text
    # Found in trial: the case page promised "the case is accepted once the fee arrives";
    # the window still accepts it (or not) after the fee arrives.
    english = page.get(f"/cases/{number}", params={"lang": "en"}).text
    assert "the window can accept the case once the fee arrives" in english
    assert "accepted once the fee arrives" not in english
    trade = found(r'href="(/sandbox/pay/[^"]+)"', english)
    checkout = page.get(trade, params={"lang": "en"}).text  # found in trial: a Chinese title
    assert f'<h2 id="trade-title">Resident identity card renewal ({number})</h2>' in checkout


def test_the_window_receipt_gives_a_walk_in_applicant_the_payment_code(
    signed_in: SignedIn,
) -> None:
    receipt = walk_in_receipt(signed_in("clerk"))
    assert "收件回执" in receipt.text and "20.00 元" in receipt.text
    assert found(r'<strong class="payment-code">(\d{20})</strong>', receipt.text)
    assert "凭缴款码到代收银行缴款；缴费到账后窗口方可受理" in receipt.text


def test_the_english_id_card_form_reads_in_english(signed_in: SignedIn) -> None:
    """Found in trial: the choices, the ID number's hint and a material's note were Chinese
    on the English form; the values sent stay the catalog's own."""
    page = signed_in("zhangsan").get(f"/apply/{ID_CARD}", params={"lang": "en"}).text
    assert '<option value="有效期满换领"' in page and "Renewal on expiry</option>" in page
    assert "The 18-character citizen ID number" in page
    assert "Not needed if you hold an electronic ID card or verified your face online" in page
    for chinese in ("18位公民身份号码", "免于提交", ">证件损坏换领<"):
        assert chinese not in page
