"""The payment notice (缴款通知书) of an unpaid order and the receipt (非税收入电子票据)
of a paid one, as PDF with the Chinese font embedded and a drawn demo seal, made with the
pieces every document draws (``documents/drawing.py``). Made on demand from the order: nothing is
stored, so a refund shows on the next download.
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from tongban import timefmt
from tongban.cases.models import Case
from tongban.documents.drawing import INK, RED, draw_seal, fonts
from tongban.payments.fees import yuan
from tongban.payments.models import PaymentOrder


def _rows(order: PaymentOrder, case: Case, applicant: str) -> list[tuple[str, str]]:
    rows = [
        ("缴款码", order.payment_code),
        ("缴款人", applicant),
        ("执收单位", order.payee),
        ("办件编号", case.number),
        ("办理事项", case.title),
    ]
    for line in order.lines:
        if line["amount_fen"] or line.get("exempt_reason"):
            detail = f"{yuan(line['amount_fen'])} 元"
            if line["quantity"] != 1:
                detail += f"（{yuan(line['unit_fen'])} 元 × {line['quantity']}）"
            if line.get("exempt_reason"):
                detail = f"免收（{line['exempt_reason']}）"
            rows.append((line["name"], detail))
    rows.append(("合计", f"{yuan(order.amount_fen)} 元"))
    if order.paid_at is not None:
        rows.append(("缴款时间", timefmt.moment(order.paid_at)))
        rows.append(("支付流水号", order.provider_trade_no or "—"))
    if order.refunded_fen:
        rows.append(("已退款", f"{yuan(order.refunded_fen)} 元"))
    return rows


def render(order: PaymentOrder, case: Case, applicant: str) -> bytes:
    """A5 landscape: the receipt once paid, else the payment notice."""
    regular, bold = fonts()
    buffer = io.BytesIO()
    width, height = landscape(A5)
    pdf = Canvas(buffer, pagesize=(width, height), invariant=True)
    paid = order.paid_at is not None
    title = "非税收入电子票据（缴款收据）" if paid else "非税收入缴款通知书"
    pdf.setTitle(f"{title} {order.payment_code}")
    pdf.setFillColor(RED)
    pdf.setFont(bold, 16)
    pdf.drawCentredString(width / 2, height - 16 * mm, title)
    pdf.setFillColor(INK)
    pdf.setFont(regular, 9)
    pdf.drawRightString(width - 12 * mm, height - 23 * mm, f"票据号码 {order.number}")
    y = height - 32 * mm
    for label, value in _rows(order, case, applicant):
        pdf.setFont(bold, 10)
        pdf.drawString(14 * mm, y, label)
        pdf.setFont(regular, 10)
        pdf.drawString(44 * mm, y, value[:60])
        y -= 7 * mm
    if paid:
        draw_seal(pdf, width - 40 * mm, 30 * mm, 18 * mm, order.payee, bold)
    else:
        pdf.setFont(regular, 9)
        note = f"请于 {timefmt.moment(order.expires_at)} 前在办件页面网上缴费，或凭缴款码到代收银行缴款。"
        pdf.drawString(14 * mm, 12 * mm, note)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
