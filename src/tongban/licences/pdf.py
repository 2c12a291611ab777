"""The printed face of an e-licence as a PDF: the layout of its type, the Chinese font
embedded as a subset, the issuing seal drawn by code (marked 演示用章: a demo seal, not
a real one) and a QR code that opens the public verification page.
"""

from __future__ import annotations

import io
import math
from functools import cache
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tongban.licences.face import Face, chinese
from tongban.licences.types import Layout

VENDORED = Path(__file__).resolve().parent.parent / "static" / "vendor" / "fonts"
DEBIAN = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
RED = HexColor("#c8161d")
INK = HexColor("#1a1a1a")
GOLD = HexColor("#a0782a")
SEAL_MARK = "演示用章"


class FontMissing(RuntimeError):
    """No font with Chinese glyphs was found to embed."""


@cache
def fonts(configured: Path | None = None) -> tuple[str, str]:
    """Register the regular and bold faces; returns their names.

    Looks at ``configured`` (``TONGBAN_LICENCE_FONT``), the font ``make install`` vendors
    from the npm registry, then Debian's fonts-wqy-microhei.
    """
    candidates = [
        (configured, configured),
        (VENDORED / "NotoSerifSC-Regular.ttf", VENDORED / "NotoSerifSC-Bold.ttf"),
        (DEBIAN, DEBIAN),
    ]
    for regular, bold in candidates:
        if regular is not None and regular.is_file():
            bold_path = bold if bold is not None and bold.is_file() else regular
            pdfmetrics.registerFont(TTFont("LicenceRegular", str(regular), subfontIndex=0))
            pdfmetrics.registerFont(TTFont("LicenceBold", str(bold_path), subfontIndex=0))
            return "LicenceRegular", "LicenceBold"
    raise FontMissing(
        "No Chinese font to embed in e-licences: run `make install` (it vendors Noto Serif SC "
        f"into {VENDORED}), install Debian's fonts-wqy-microhei, or set TONGBAN_LICENCE_FONT "
        "to a .ttf/.ttc file."
    )


def draw_seal(pdf: Canvas, x: float, y: float, radius: float, issuer: str, bold: str) -> None:
    """A round red seal: the issuer's name along the rim, a star, and 演示用章."""
    pdf.saveState()
    pdf.setStrokeColor(RED)
    pdf.setFillColor(RED)
    pdf.setLineWidth(radius * 0.06)
    pdf.circle(x, y, radius, stroke=1, fill=0)
    _star(pdf, x, y + radius * 0.08, radius * 0.28)
    size = radius * 0.26
    pdf.setFont(bold, size)
    span = math.radians(216)
    step = span / max(len(issuer) - 1, 1)
    for index, char in enumerate(issuer):
        angle = math.radians(90) + span / 2 - index * step
        pdf.saveState()
        pdf.translate(x + radius * 0.74 * math.cos(angle), y + radius * 0.74 * math.sin(angle))
        pdf.rotate(math.degrees(angle) - 90)
        pdf.drawCentredString(0, -size / 2, char)
        pdf.restoreState()
    pdf.setFont(bold, radius * 0.2)
    pdf.drawCentredString(x, y - radius * 0.42, SEAL_MARK)
    pdf.restoreState()


def _star(pdf: Canvas, x: float, y: float, radius: float) -> None:
    path = pdf.beginPath()
    for point in range(10):
        r = radius if point % 2 == 0 else radius * 0.4
        angle = math.radians(90 + point * 36)
        px, py = x + r * math.cos(angle), y + r * math.sin(angle)
        path.moveTo(px, py) if point == 0 else path.lineTo(px, py)
    path.close()
    pdf.drawPath(path, stroke=0, fill=1)


def draw_qr(pdf: Canvas, x: float, y: float, size: float, url: str) -> None:
    """A QR code of ``url`` with its lower-left corner at (x, y)."""
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y)


def _border(pdf: Canvas, width: float, height: float, color: Color) -> None:
    pdf.setStrokeColor(color)
    pdf.setLineWidth(2.2)
    pdf.rect(8 * mm, 8 * mm, width - 16 * mm, height - 16 * mm)
    pdf.setLineWidth(0.6)
    pdf.rect(11 * mm, 11 * mm, width - 22 * mm, height - 22 * mm)


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
    _border(pdf, width, height, GOLD if layout == "business" else RED)
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
