"""The printed face of an e-licence as a PDF: the layout of its type, with the pieces
every document draws (``tongban.documents.drawing``): the Chinese font embedded as a
subset, the issuing seal (演示用章) and a QR code that opens the public verification page.
"""

from __future__ import annotations

import io
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from tongban.documents.drawing import GOLD, INK, RED, border, draw_qr, draw_seal, fonts
from tongban.licences.face import Face, chinese
from tongban.licences.types import Layout


def _rows(
    pdf: Canvas,
    rows: list[tuple[str, str]],
    *,
    x: float,
    y: float,
    label_width: float,
    value_width: float,
    fonts_: tuple[str, str],
    size: float,
) -> float:
    regular, bold = fonts_
    for label, value in rows:
        pdf.setFont(bold, size)
        pdf.setFillColor(INK)
        pdf.drawString(x, y, label)
        pdf.setFont(regular, size)
        lines = simpleSplit(value or "—", regular, size, value_width)[:6]
        for line in lines:
            pdf.drawString(x + label_width, y, line)
            y -= size * 1.5
        y -= size * 0.5
    return y


def render(
    *,
    layout: Layout,
    title: str,
    rows: list[tuple[str, str]],
    face: Face,
    identifier: str,
    verify_url: str,
    font_path: Path | None = None,
) -> bytes:
    """One page: the licence's face. Deterministic for the same input (invariant PDF)."""
    regular, bold = fonts(font_path)
    size = landscape(A4) if layout == "business" else A4
    width, height = size
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=size, invariant=True, initialFontName=regular)
    pdf.setTitle(f"{title} {face.number}")
    pdf.setSubject(identifier)
    pdf.setAuthor(face.issuer_name)
    border(pdf, width, height, GOLD if layout == "business" else RED)
    pdf.setFillColor(RED if layout == "business" else INK)
    pdf.setFont(bold, 34 if layout == "business" else 28)
    spaced = " ".join(title) if len(title) <= 5 else title
    pdf.drawCentredString(width / 2, height - 38 * mm, spaced)
    pdf.setFillColor(INK)
    pdf.setFont(regular, 11)
    if layout == "business":
        pdf.drawCentredString(width / 2, height - 47 * mm, "（副  本）")
    draw_qr(pdf, width - 52 * mm, height - 58 * mm, 34 * mm, verify_url)
    pdf.setFont(regular, 7.5)
    pdf.drawCentredString(width - 35 * mm, height - 62 * mm, "扫描二维码核验电子证照")
    label_width = 54 * mm if layout == "food" else 34 * mm
    value_width = (width - 80 * mm - label_width) if layout != "business" else 150 * mm
    top = height - (66 if layout == "business" else 74) * mm
    _rows(
        pdf,
        rows,
        x=24 * mm,
        y=top,
        label_width=label_width,
        value_width=value_width,
        fonts_=(regular, bold),
        size=11.5 if layout == "business" else 11,
    )
    seal_x, seal_y = width - 62 * mm, 46 * mm
    draw_seal(pdf, seal_x, seal_y, 21 * mm, face.issuer_name, bold)
    pdf.setFillColor(INK)
    pdf.setFont(bold, 12)
    pdf.drawCentredString(seal_x, seal_y - 26 * mm, chinese(face.issued_on))
    pdf.setFont(regular, 7.5)
    pdf.drawString(16 * mm, 16 * mm, f"电子证照标识：{identifier}")
    pdf.drawString(
        16 * mm,
        20 * mm,
        "本证照由通办平台签发（数字签名，印章为演示用章），可扫码或在核验页面上传本文件核验。",
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
