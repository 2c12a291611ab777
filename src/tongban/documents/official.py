"""A decision or notice of an administrative organ as a PDF (不予行政许可决定书, 容缺受理通知书,
终止办理通知书 …), laid out the way such documents are: the issuing organ's name in red over
a red rule (发文机关标志), the title, the document number (文号), the addressee and the
labelled particulars, the remedies, and the organ's name and date under its seal (演示用章),
with a QR code that opens the platform's public verification of the document.

Source: 《党政机关公文格式》GB/T 9704-2012 (发文机关标志, 发文字号, 印章 over the 成文日期);
行政许可法 art. 32 and art. 38 (written notices and decisions, with the organ's seal and
date). Deterministic for the same input (invariant PDF).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from tongban.config import Settings, get_settings
from tongban.documents.drawing import INK, RED, draw_qr, draw_seal, fonts, wrap

VERIFY_PATH = "/documents/verify"
LEFT, RIGHT = 26 * mm, 26 * mm
BOTTOM = 92 * mm  # the particulars stop above the seal, the QR code and the footnote
SIZE = 12
LABEL_WIDTH = 34 * mm  # the particulars' labels, bold, in a column of their own


@dataclass(frozen=True)
class Press:
    """Where this process's documents point their QR codes, and the font they embed."""

    public_url: str
    font: Path | None

    def verify_url(self, number: str, code: str) -> str:
        """The public verification page of one document (what its QR code opens)."""
        query = urlencode({"n": number, "c": code})
        return f"{self.public_url.rstrip('/')}{VERIFY_PATH}?{query}"


# the link over the QR code, as the canvas writes it: /URI (http…/documents/verify?n=…&c=…)
LINK = re.compile(rb"/URI \((https?://[^)\\]*" + re.escape(VERIFY_PATH.encode()) + rb"\?[^)\\]*)\)")


def address_in(data: bytes) -> tuple[str, str] | None:
    """The (number, verification code) a document file's own QR link names, or None when
    the file carries no such link (not a document of the platform, or rewritten by a tool
    that compressed its objects)."""
    found = LINK.search(data)
    if found is None:
        return None
    query = parse_qs(urlsplit(found.group(1).decode("latin-1")).query)
    number, code = query.get("n", [""])[0], query.get("c", [""])[0]
    return (number, code) if number and code else None


_current: list[Press] = []


def configure(settings: Settings) -> Press:
    """Use ``settings`` (``TONGBAN_PUBLIC_URL``, ``TONGBAN_LICENCE_FONT``) from now on."""
    press = Press(public_url=settings.public_url, font=settings.licence_font)
    _current[:] = [press]
    return press


def current() -> Press:
    """The configured press (from the environment's settings when none was)."""
    return _current[0] if _current else configure(get_settings())


@dataclass(frozen=True)
class Document:
    """What one decision or notice says. ``issued_on`` is the local date (成文日期)."""

    title: str
    number: str
    issuer: str
    issued_on: date
    rows: list[tuple[str, str]]
    footer: str
    verify_url: str


def chinese_date(day: date) -> str:
    """A date as documents write it: 2026年12月1日."""
    return f"{day.year}年{day.month}月{day.day}日"


def _head(pdf: Canvas, document: Document, fonts_: tuple[str, str], width: float) -> float:
    """The organ's name in red over the red rule, the title and the number; returns the y
    where the particulars start."""
    regular, bold = fonts_
    top = A4[1]
    pdf.setFillColor(RED)
    pdf.setFont(bold, 24)
    pdf.drawCentredString(width / 2, top - 32 * mm, document.issuer)
    pdf.setStrokeColor(RED)
    pdf.setLineWidth(1.6)
    pdf.line(LEFT, top - 38 * mm, width - RIGHT, top - 38 * mm)
    pdf.setFillColor(INK)
    pdf.setFont(bold, 20)
    pdf.drawCentredString(width / 2, top - 52 * mm, document.title)
    pdf.setFont(regular, SIZE)
    pdf.drawCentredString(width / 2, top - 60 * mm, document.number)
    return float(top - 74 * mm)


def _lines(
    pdf: Canvas,
    lines: list[str],
    *,
    x: float,
    y: float,
    font: str,
    label: tuple[str, str] | None = None,
) -> float:
    """Draw ``lines`` from ``y`` down (a new page when they reach the bottom), ``label``
    (text, bold font) left of the first; returns the y under them."""
    for index, line in enumerate(lines):
        if y < BOTTOM:
            pdf.showPage()
            y = A4[1] - 30 * mm
        pdf.setFillColor(INK)
        if label is not None and index == 0:
            pdf.setFont(label[1], SIZE)
            pdf.drawString(LEFT, y, label[0])
        pdf.setFont(font, SIZE)
        pdf.drawString(x, y, line)
        y -= SIZE * 1.6
    return y


def _foot(pdf: Canvas, document: Document, fonts_: tuple[str, str], width: float) -> None:
    """The organ and the date under its seal, the QR code and the footnote."""
    regular, bold = fonts_
    seal_x, seal_y = width - 62 * mm, 62 * mm
    pdf.setFillColor(INK)
    pdf.setFont(regular, SIZE)
    pdf.drawCentredString(seal_x, seal_y + 3 * mm, document.issuer)
    pdf.drawCentredString(seal_x, seal_y - 14 * mm, chinese_date(document.issued_on))
    draw_seal(pdf, seal_x, seal_y, 21 * mm, document.issuer, bold)
    qr_x, qr_y, qr_size = LEFT, 40 * mm, 30 * mm
    draw_qr(pdf, qr_x, qr_y, qr_size, document.verify_url)
    pdf.linkURL(document.verify_url, (qr_x, qr_y, qr_x + qr_size, qr_y + qr_size))
    pdf.setFillColor(INK)
    pdf.setFont(regular, 7.5)
    pdf.drawCentredString(qr_x + qr_size / 2, qr_y - 4 * mm, "扫描二维码核验本文书")
    pdf.drawString(
        LEFT,
        20 * mm,
        f"文号 {document.number}。本文书由通办平台出具（印章为演示用章），"
        "可扫码或在核验页面上传本文件核验。",
    )


def render(document: Document, *, font_path: Path | None = None) -> bytes:
    """The document as an A4 PDF (more pages when the particulars are long; the seal, the
    date and the QR code on the last). Raises ``drawing.FontMissing`` without a font."""
    regular, bold = fonts(font_path)
    width = A4[0]
    text_width = width - LEFT - RIGHT
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, invariant=True, initialFontName=regular)
    pdf.setTitle(f"{document.title} {document.number}")
    pdf.setAuthor(document.issuer)
    pdf.setSubject(document.number)
    y = _head(pdf, document, (regular, bold), width)
    value_x = LEFT + LABEL_WIDTH
    for label, value in document.rows:
        wrapped = wrap(value or "—", regular, SIZE, width - value_x - RIGHT)
        y = _lines(pdf, wrapped, x=value_x, y=y, font=regular, label=(f"{label}：", bold))
        y -= SIZE * 0.4
    if document.footer:
        wrapped = wrap(document.footer, regular, SIZE, text_width)
        _lines(pdf, wrapped, x=LEFT, y=y - SIZE, font=regular)
    _foot(pdf, document, (regular, bold), width)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
