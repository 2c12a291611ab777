"""A commitment letter's PDF (signed online, or printed blank at the window) embeds the
Chinese font like the documents the platform issues: it used the reader's STSong."""

from __future__ import annotations

from tongban.cases.materials.signing import letter_pdf


def test_a_commitment_letter_embeds_the_chinese_font() -> None:
    for signed in (None, ["承诺人（在线签署）：张三", "签署时间：2026-12-01 10:00"]):
        pdf = letter_pdf("告知承诺书", "本人承诺：\n所填信息真实。", signed, "ab" * 32)
        assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf, signed
        assert b"STSong" not in pdf
