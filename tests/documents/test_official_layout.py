"""The layout of decisions and notices: a department's name of 19 characters and more ran
off the page in the head (24 pt on one line) and past the right margin under the seal.
Measured on the layout's own text boxes and on the rendered file (poppler's word boxes)."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4

from tongban.documents import official
from tongban.documents.drawing import Box, fonts

ISSUERS = [
    "福州市公安局",
    "福州市鼓楼区人力资源和社会保障局",
    "福州市鼓楼区不动产登记和交易服务中心",  # 19 characters: the first to overflow
    "福州市鼓楼区不动产登记和交易服务中心鼓楼分中心窗口",
    "福建省福州市鼓楼区不动产登记和交易服务中心鼓楼分中心综合受理窗口服务组",
]
WIDTH, HEIGHT = A4


def _document(issuer: str) -> official.Document:
    return official.Document(
        title="补正告知书",
        number="BDCDJ补正〔2026〕000123号",
        issuer=issuer,
        issued_on=date(2026, 12, 1),
        rows=[("申请人", "张三"), ("补正事项1", "近期免冠证件照片：背景不是白色")],
        footer=official.chinese_date(date(2026, 12, 1)),
        verify_url="https://tongban.example/documents/verify?n=x&c=y",
    )


def _inside_the_margins(box: Box) -> bool:
    return bool(box.left >= official.LEFT and box.right <= WIDTH - official.RIGHT)


def _stacked(boxes: list[Box]) -> bool:
    """Each box wholly under the one before it."""
    return all(lower.top <= upper.bottom for upper, lower in itertools.pairwise(boxes))


@pytest.mark.parametrize("issuer", ISSUERS)
def test_the_head_keeps_a_long_name_between_the_margins_over_the_rule(issuer: str) -> None:
    regular, bold = fonts()
    head = official.head(_document(issuer), (regular, bold))
    assert "".join(line.text for line in head.issuer) == issuer
    lines = [*head.issuer, *head.title, head.number]
    boxes = [line.box for line in lines]
    assert all(_inside_the_margins(box) and box.top <= HEIGHT for box in boxes), boxes
    assert _stacked(boxes)
    assert head.issuer[-1].box.bottom > head.rule > head.title[0].box.top
    assert head.bottom < head.number.box.bottom
    assert min(line.size for line in head.issuer) >= 24 * official.SMALLEST


@pytest.mark.parametrize("issuer", ISSUERS)
def test_the_foot_keeps_the_name_under_the_seal_inside_the_page_and_the_rest_clear_of_it(
    issuer: str,
) -> None:
    """The organ's name and the date sit under the seal on purpose (GB/T 9704: the seal
    presses them); nothing else touches it, and the particulars stop above it."""
    regular = fonts()[0]
    foot = official.foot(_document(issuer), regular)
    assert "".join(line.text for line in foot.signature) == issuer
    signed = [line.box for line in [*foot.signature, foot.date]]
    footnote = [line.box for line in foot.footnote]
    for box in [*signed, foot.caption.box, *footnote]:
        assert _inside_the_margins(box) and box.bottom >= 0, box
    assert _stacked(signed)
    centre = (foot.seal.left + foot.seal.right) / 2
    assert all(abs(line.centre - centre) < 0.01 for line in [*foot.signature, foot.date])
    for box in [foot.qr, foot.caption.box, *footnote]:
        assert not box.overlaps(foot.seal), (box, foot.seal)
    assert foot.seal.top < official.BOTTOM  # the particulars stop above the seal


WORD = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">')


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("issuer", ISSUERS[2:])
def test_every_word_of_the_printed_document_lies_between_the_margins(
    issuer: str, tmp_path: Path
) -> None:
    path = tmp_path / "notice.pdf"
    path.write_bytes(official.render(_document(issuer)))
    words = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    found = [tuple(map(float, match)) for match in WORD.findall(words)]
    assert len(found) > 10
    for left, top, right, bottom in found:
        assert left >= official.LEFT - 1 and right <= WIDTH - official.RIGHT + 1, (left, right)
        assert top >= 0 and bottom <= HEIGHT
