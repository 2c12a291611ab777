"""The pieces every printed document draws: the Chinese font embedded as a subset, the
round issuing seal drawn by code (marked 演示用章: a demo seal, not a real one), a QR code,
and the double frame."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.colors import Color, HexColor
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

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
            pdfmetrics.registerFont(TTFont("DocumentRegular", str(regular), subfontIndex=0))
            pdfmetrics.registerFont(TTFont("DocumentBold", str(bold_path), subfontIndex=0))
            return "DocumentRegular", "DocumentBold"
    raise FontMissing(
        "No Chinese font to embed in documents and e-licences: run `make install` (it vendors Noto Serif SC "
        f"into {VENDORED}), install Debian's fonts-wqy-microhei, or set TONGBAN_LICENCE_FONT "
        "to a .ttf/.ttc file."
    )


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width`` points, broken between any two characters
    (Chinese has no spaces to break at) and at its own line breaks."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if line and pdfmetrics.stringWidth(line + char, font, size) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Box:
    """A rectangle on the page, in points from its lower-left corner."""

    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: Box) -> bool:
        return (
            self.left < other.right
            and other.left < self.right
            and self.bottom < other.top
            and other.bottom < self.top
        )


def fit(
    text: str, font: str, size: float, width: float, *, smallest: float
) -> tuple[float, list[str]]:
    """The size and lines to set ``text`` in ``width`` points: one line at the largest size
    from ``size`` down to ``smallest`` (half a point at a time) that fits, else wrapped
    lines at ``smallest``."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size = max(size - 0.5, smallest)
    return size, wrap(text, font, size, width)


def text_box(text: str, font: str, size: float, *, centre: float, baseline: float) -> Box:
    """The box a centred line of ``text`` covers (its width, ascent and descent)."""
    half = pdfmetrics.stringWidth(text, font, size) / 2
    ascent, descent = pdfmetrics.getAscentDescent(font, size)
    return Box(centre - half, baseline + descent, centre + half, baseline + ascent)


SEAL_SPAN = 216  # degrees of the rim a short name spans, centred on the top
SEAL_SPAN_MOST = 260  # a long name spreads this far round, no further (演示用章 below)


def seal_ring(issuer: str, radius: float) -> tuple[float, list[tuple[float, float, float]]]:
    """How the issuer's name sits on the rim of a seal of ``radius``: the characters' size
    and, per character, its centre (dx, dy from the seal's centre) and its angle in
    degrees. A long name spreads further round and its characters get smaller, so
    neighbours never touch (each takes at most 90 % of its arc)."""
    count = len(issuer)
    ring = radius * 0.74
    span = math.radians(min(SEAL_SPAN + max(count - 10, 0) * 8, SEAL_SPAN_MOST))
    step = span / max(count - 1, 1)
    size = min(radius * 0.26, 0.9 * 2 * ring * math.sin(step / 2))
    placed = []
    for index in range(count):
        angle = math.radians(90) + span / 2 - index * step
        placed.append((ring * math.cos(angle), ring * math.sin(angle), math.degrees(angle) - 90))
    return size, placed


def draw_seal(pdf: Canvas, x: float, y: float, radius: float, issuer: str, bold: str) -> None:
    """A round red seal: the issuer's name along the rim (``seal_ring``), a star, and
    演示用章."""
    pdf.saveState()
    pdf.setStrokeColor(RED)
    pdf.setFillColor(RED)
    pdf.setLineWidth(radius * 0.06)
    pdf.circle(x, y, radius, stroke=1, fill=0)
    _star(pdf, x, y + radius * 0.08, radius * 0.28)
    size, placed = seal_ring(issuer, radius)
    pdf.setFont(bold, size)
    for char, (dx, dy, degrees) in zip(issuer, placed, strict=True):
        pdf.saveState()
        pdf.translate(x + dx, y + dy)
        pdf.rotate(degrees)
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


def draw_qr(pdf: Canvas, x: float, y: float, size: float, url: str, font: str) -> None:
    """A QR code of ``url`` with its lower-left corner at (x, y). The drawing starts in
    ``font`` (the document's embedded one): left to its default, reportlab's renderer sets
    Helvetica, which the PDF does not embed (the reader substitutes one of its own)."""
    widget = QrCodeWidget(url, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size,
        size,
        transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0],
        initialFontName=font,
    )
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, x, y)


def border(pdf: Canvas, width: float, height: float, color: Color) -> None:
    """A double frame 8 mm and 11 mm inside the page's edges."""
    pdf.setStrokeColor(color)
    pdf.setLineWidth(2.2)
    pdf.rect(8 * mm, 8 * mm, width - 16 * mm, height - 16 * mm)
    pdf.setLineWidth(0.6)
    pdf.rect(11 * mm, 11 * mm, width - 22 * mm, height - 22 * mm)
