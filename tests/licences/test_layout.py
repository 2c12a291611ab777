"""The licence face's layout: a long title never runs under the QR code, and a long
issuer's name never crowds the seal's rim (measured on the layout's own text boxes)."""

from __future__ import annotations

import itertools
import math
from datetime import date

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm

from tongban.documents.drawing import Box, fonts, seal_ring
from tongban.licences import pdf
from tongban.licences.enums import HolderCodeType
from tongban.licences.face import Face
from tongban.licences.types import Layout

LONG_TITLE = "一次性创业补贴发放通知书"  # its last character ran under the QR code
LONGER_TITLE = "福建省福州市鼓楼区新办小微企业一次性创业补贴发放通知书"


@pytest.mark.parametrize(
    ("title", "layout"),
    [
        (LONG_TITLE, "general"),
        (LONGER_TITLE, "general"),
        (LONGER_TITLE, "food"),
        (LONGER_TITLE * 2, "business"),
        ("营业执照", "business"),
    ],
)
def test_the_title_stays_clear_of_the_qr_code_and_inside_the_frame(
    title: str, layout: Layout
) -> None:
    bold = fonts()[1]
    width, height = landscape(A4) if layout == "business" else A4
    size, placed = pdf.title_lines(title, layout=layout, font=bold, width=width, height=height)
    qr = pdf.qr_box(width, height)
    assert "".join(line for line, _ in placed).replace(" ", "") == title
    for _line, box in placed:
        assert not box.overlaps(qr), (box, qr)
        assert box.left >= 11 * mm and box.right <= qr.left
    tops = [box.top for _, box in placed]
    bottoms = [box.bottom for _, box in placed]
    assert all(top <= bottom for top, bottom in zip(tops[1:], bottoms, strict=False))
    assert size >= (34 if layout == "business" else 28) * pdf.SMALLEST


def test_a_short_title_keeps_its_full_size_on_one_line() -> None:
    size, placed = pdf.title_lines(
        "食品经营许可证", layout="food", font=fonts()[1], width=A4[0], height=A4[1]
    )
    assert size == 28 and len(placed) == 1


@pytest.mark.parametrize(
    "issuer",
    [
        "福州市市场监督管理局",
        "福州市鼓楼区人力资源和社会保障局",
        "福州市不动产登记和交易服务中心鼓楼分中心",
    ],
)
def test_neighbouring_characters_on_the_seal_rim_never_touch(issuer: str) -> None:
    radius = 21 * mm
    size, placed = seal_ring(issuer, radius)
    for (x1, y1, _), (x2, y2, _) in itertools.pairwise(placed):
        assert math.dist((x1, y1), (x2, y2)) >= size  # a CJK glyph is as wide as its size
    lowest = min(y for _, y, _ in placed)
    assert lowest - size / 2 > -radius  # inside the ring
    mark = Box(-radius * 0.4, -radius * 0.46, radius * 0.4, -radius * 0.22)  # 演示用章
    for x, y, _ in placed:
        assert not Box(x - size / 2, y - size / 2, x + size / 2, y + size / 2).overlaps(mark)


def test_a_long_title_and_issuer_render_one_page() -> None:
    face = Face(
        name=LONG_TITLE,
        number="BT2026000001",
        holder_name="福州闽台茶业有限公司",
        holder_code="91350100M000100Y43",
        holder_code_type=HolderCodeType.credit_code,
        issuer_name="福州市鼓楼区人力资源和社会保障局",
        issued_on=date(2026, 12, 1),
        valid_until=None,
        signer="—",
    )
    data = pdf.render(
        layout="general",
        title=LONG_TITLE,
        rows=[("补贴金额", "5000元")],
        face=face,
        identifier="1.2.156.3005.2.11100000000013127D001.000000.20261201.0001.Z",
        verify_url="http://127.0.0.1:8000/licences/verify?q=x",
    )
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page\n") <= 1
