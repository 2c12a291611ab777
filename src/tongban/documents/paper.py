"""The applicant's own papers the platform draws — the generated application form (申请表)
and signed commitment letters (告知承诺书) — as flowing A4 text in the Chinese font the
documents it issues embed (a subset of ``drawing.fonts``), not a reader's built-in font:
the file shows the same glyphs in every reader and on every printer."""

from __future__ import annotations

import io
from collections.abc import Callable
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from tongban.documents.drawing import fonts
from tongban.documents.official import current


def styles(size: float, leading: float) -> tuple[ParagraphStyle, ParagraphStyle]:
    """(text, title) paragraph styles in the embedded font, the text at ``size`` points
    with ``leading`` between lines, the title larger and centred. Raises
    ``drawing.FontMissing`` without a font."""
    regular, _bold = fonts(current().font)
    text = ParagraphStyle("paper", fontName=regular, fontSize=size, leading=leading, wordWrap="CJK")
    title = ParagraphStyle("paper-title", parent=text, fontSize=18, leading=26, alignment=1)
    return text, title


def paragraph(text: str, style: ParagraphStyle) -> Paragraph:
    """``text`` as a paragraph, its own line breaks kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def build(title: str, story: Callable[[], list[Flowable]], *, margin: float = 20 * mm) -> bytes:
    """An A4 PDF of the flowables ``story`` makes (as many pages as they need), with
    ``title`` in its metadata. Deterministic for the same input (invariant PDF)."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        invariant=True,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
    )
    doc.build(story())
    return buffer.getvalue()
