"""A decision or notice of an administrative organ as a PDF (不予行政许可决定书, 容缺受理通知书,
终止办理通知书 …), laid out the way such documents are: the issuing organ's name in red over
a red rule (发文机关标志), the title, the document number (文号), the addressee and the
labelled particulars, the remedies, and the organ's name and date under its seal (演示用章),
with a QR code that opens the platform's public verification of the document, and signed
(:func:`issue`) with the embedded PDF signature of every PDF the platform issues
(``pades``, the e-licences' PDF key), which readers and ``tongban document verify`` check.

Source: 《党政机关公文格式》GB/T 9704-2012 (发文机关标志, 发文字号, 印章 over the 成文日期);
行政许可法 art. 32 and art. 38 (written notices and decisions, with the organ's seal and
date). The drawing (:func:`render`) is deterministic for the same input (invariant PDF);
the signature is not (its time and the ECDSA nonce).
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
from tongban.documents import pades
from tongban.documents.drawing import INK, RED, Box, draw_qr, draw_seal, fit, fonts, text_box, wrap
from tongban.documents.signing import Keyring

VERIFY_PATH = "/documents/verify"
LEFT, RIGHT = 26 * mm, 26 * mm
BOTTOM = 92 * mm  # the particulars stop above the seal, the QR code and the footnote
SIZE = 12
LABEL_WIDTH = 34 * mm  # the particulars' labels, bold, in a column of their own
SMALLEST = 0.7  # a long name shrinks to this share of its size, then wraps (as licences)


@dataclass(frozen=True)
class Press:
    """Where this process's documents point their QR codes, the font they embed, and the
    keyring of their PDF signatures (``pades.keyring``)."""

    public_url: str
    font: Path | None
    keyring: Keyring

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
    """Use ``settings`` (``TONGBAN_PUBLIC_URL``, ``TONGBAN_LICENCE_FONT``, the PDF keys)
    from now on."""
    press = Press(
        public_url=settings.public_address,
        font=settings.licence_font,
        keyring=pades.keyring(settings),
    )
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


@dataclass(frozen=True)
class Line:
    """One centred line of text as it is set: its font, size, centre and baseline."""

    text: str
    font: str
    size: float
    centre: float
    baseline: float

    @property
    def box(self) -> Box:
        """The rectangle the line covers."""
        return text_box(self.text, self.font, self.size, centre=self.centre, baseline=self.baseline)

    def draw(self, pdf: Canvas) -> None:
        pdf.setFont(self.font, self.size)
        pdf.drawCentredString(self.centre, self.baseline, self.text)


def centred(
    text: str, font: str, size: float, *, room: float, centre: float, baseline: float
) -> list[Line]:
    """``text`` centred on ``centre`` within ``room`` points, its first baseline at
    ``baseline``: one line as large as fits down to ``SMALLEST`` of ``size``, then
    wrapped (a department's name of 19 characters and more ran off the page)."""
    size, lines = fit(text, font, size, room, smallest=size * SMALLEST)
    return [
        Line(line, font, size, centre, baseline - index * size * 1.25)
        for index, line in enumerate(lines)
    ]


@dataclass(frozen=True)
class Head:
    """The first page's head: the organ's name (red), the red rule's height, the title
    and the number; ``bottom`` is where the particulars start."""

    issuer: list[Line]
    rule: float
    title: list[Line]
    number: Line
    bottom: float


def head(document: Document, fonts_: tuple[str, str]) -> Head:
    """Where the head's lines go (GB/T 9704: 发文机关标志 over the red rule, then the
    title and the number), each kept between the margins."""
    regular, bold = fonts_
    width, top = A4
    room, centre = width - LEFT - RIGHT, width / 2
    issuer = centred(document.issuer, bold, 24, room=room, centre=centre, baseline=top - 32 * mm)
    rule = issuer[-1].baseline - 6 * mm
    title = centred(document.title, bold, 20, room=room, centre=centre, baseline=rule - 14 * mm)
    number = Line(document.number, regular, SIZE, centre, title[-1].baseline - 8 * mm)
    return Head(issuer, rule, title, number, number.baseline - 14 * mm)


def _head(pdf: Canvas, document: Document, fonts_: tuple[str, str], width: float) -> float:
    """Draw the head; returns the y where the particulars start."""
    placed = head(document, fonts_)
    pdf.setFillColor(RED)
    for line in placed.issuer:
        line.draw(pdf)
    pdf.setStrokeColor(RED)
    pdf.setLineWidth(1.6)
    pdf.line(LEFT, placed.rule, width - RIGHT, placed.rule)
    pdf.setFillColor(INK)
    for line in [*placed.title, placed.number]:
        line.draw(pdf)
    return placed.bottom


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


@dataclass(frozen=True)
class Foot:
    """The last page's foot: the seal's circle (as its bounding box), the organ's name and
    the date it presses (GB/T 9704 7.3.5.1: 印章端正、居中下压发文机关署名和成文日期), the
    QR code with its caption, and the footnote."""

    seal: Box
    signature: list[Line]
    date: Line
    qr: Box
    caption: Line
    footnote: list[Line]


SEAL_X, SEAL_Y, SEAL_RADIUS = A4[0] - 62 * mm, 62 * mm, 21 * mm
QR = Box(LEFT, 40 * mm, LEFT + 30 * mm, 70 * mm)


def foot(document: Document, regular: str) -> Foot:
    """Where the foot's pieces go; the organ's name is centred on the seal and kept inside
    the right margin (smaller, then wrapped, when it is long)."""
    width = A4[0]
    room = 2 * (width - RIGHT - SEAL_X)
    signature = centred(
        document.issuer, regular, SIZE, room=room, centre=SEAL_X, baseline=SEAL_Y + 3 * mm
    )
    day = chinese_date(document.issued_on)
    date_line = Line(
        day, regular, SIZE, SEAL_X, min(SEAL_Y - 14 * mm, signature[-1].baseline - 7 * mm)
    )
    caption = Line(
        "扫描二维码核验本文书", regular, 7.5, (QR.left + QR.right) / 2, QR.bottom - 4 * mm
    )
    note = (
        f"文号 {document.number}。本文书由通办平台出具（印章为演示用章），"
        "可扫码或在核验页面上传本文件核验。"
    )
    footnote = centred(
        note, regular, 7.5, room=width - LEFT - RIGHT, centre=width / 2, baseline=20 * mm
    )
    r = SEAL_RADIUS
    seal = Box(SEAL_X - r, SEAL_Y - r, SEAL_X + r, SEAL_Y + r)
    return Foot(seal, signature, date_line, QR, caption, footnote)


def _foot(pdf: Canvas, document: Document, fonts_: tuple[str, str]) -> None:
    """Draw the organ and the date under its seal, the QR code and the footnote."""
    regular, bold = fonts_
    placed = foot(document, regular)
    pdf.setFillColor(INK)
    for line in [*placed.signature, placed.date]:
        line.draw(pdf)
    draw_seal(pdf, SEAL_X, SEAL_Y, SEAL_RADIUS, document.issuer, bold)
    qr = placed.qr
    draw_qr(pdf, qr.left, qr.bottom, qr.right - qr.left, document.verify_url, regular)
    pdf.linkURL(document.verify_url, (qr.left, qr.bottom, qr.right, qr.top))
    pdf.setFillColor(INK)
    for line in [placed.caption, *placed.footnote]:
        line.draw(pdf)


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
    _foot(pdf, document, (regular, bold))
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def issue(document: Document, press: Press) -> bytes:
    """The document as :func:`render` draws it, signed (PAdES) under the active key of the
    press's PDF keyring, the document's title and number as the signature's reason and its
    organ as the location. Raises ``drawing.FontMissing`` without a font."""
    drawn = render(document, font_path=press.font)
    reason = f"{document.title} {document.number}"
    return pades.sign_pdf(drawn, press.keyring.active(), reason=reason, location=document.issuer)
