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
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas

from tongban.documents.drawing import (
    GOLD,
    INK,
    RED,
    Box,
    border,
    draw_qr,
    draw_seal,
    fit,
    fonts,
    text_box,
)
from tongban.licences.face import Face, chinese
from tongban.licences.types import Layout

QR_SIZE = 34 * mm
QR_RIGHT, QR_TOP = 18 * mm, 24 * mm  # the QR code's distance from the right and top edges
GAP = 3 * mm  # between the title and the QR code
SMALLEST = 0.7  # a long title shrinks to this share of its size, then wraps


def qr_box(width: float, height: float) -> Box:
    """Where the QR code goes on a page of ``width`` × ``height`` points."""
    right, top = width - QR_RIGHT, height - QR_TOP
    return Box(right - QR_SIZE, top - QR_SIZE, right, top)


def title_lines(
    title: str, *, layout: Layout, font: str, width: float, height: float
) -> tuple[float, list[tuple[str, Box]]]:
    """The title's size and each of its lines with the box it covers: centred under the
    page's top, as large as fits clear of the QR code (which stands level with it), shrunk
    down to ``SMALLEST`` of its size and then wrapped (一次性创业补贴发放通知书)."""
    largest = 34 if layout == "business" else 28
    spaced = " ".join(title) if len(title) <= 5 else title
    room = 2 * (qr_box(width, height).left - GAP - width / 2)
    size, lines = fit(spaced, font, largest, room, smallest=largest * SMALLEST)
    baseline = height - 38 * mm
    placed = []
    for line in lines:
        placed.append((line, text_box(line, font, size, centre=width / 2, baseline=baseline)))
        baseline -= size * 1.25
    return size, placed


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
    title_size, placed = title_lines(title, layout=layout, font=bold, width=width, height=height)
    pdf.setFont(bold, title_size)
    descent = pdfmetrics.getAscentDescent(bold, title_size)[1]  # below the baseline: < 0
    for line, box in placed:
        pdf.drawCentredString(width / 2, box.bottom - descent, line)
    under_title = placed[-1][1].bottom  # a wrapped title pushes what follows down
    pdf.setFillColor(INK)
    pdf.setFont(regular, 11)
    if layout == "business":
        under_title = min(height - 47 * mm, under_title - 6 * mm)
        pdf.drawCentredString(width / 2, under_title, "（副  本）")
    qr = qr_box(width, height)
    draw_qr(pdf, qr.left, qr.bottom, QR_SIZE, verify_url, regular)
    pdf.setFont(regular, 7.5)
    pdf.drawCentredString((qr.left + qr.right) / 2, qr.bottom - 4 * mm, "扫描二维码核验电子证照")
    label_width = 54 * mm if layout == "food" else 34 * mm
    value_width = (width - 80 * mm - label_width) if layout != "business" else 150 * mm
    top = min(height - (66 if layout == "business" else 74) * mm, under_title - 12 * mm)
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
