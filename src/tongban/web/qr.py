"""QR codes drawn as inline SVG (reportlab's encoder): the e-licence to show, the
authenticator enrolment of a second factor."""

from __future__ import annotations

from reportlab.graphics import renderSVG
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing

QR_SIZE = 200


def qr_svg(text: str, size: int = QR_SIZE) -> str:
    """An inline SVG QR code of ``text``, ``size`` pixels square."""
    widget = QrCodeWidget(text, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    svg = str(renderSVG.drawToString(drawing))
    return svg[svg.index("<svg") :]
