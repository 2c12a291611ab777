"""The Chinese font is embedded from the project's own files; without one, issuing says
what to install instead of printing a PDF without glyphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from tongban.documents import drawing as pdf


def test_without_any_font_the_message_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pdf.fonts.cache_clear()
    monkeypatch.setattr(pdf, "VENDORED", tmp_path)
    monkeypatch.setattr(pdf, "DEBIAN", tmp_path / "none.ttc")
    try:
        with pytest.raises(pdf.FontMissing, match="make install"):
            pdf.fonts(None)
    finally:
        pdf.fonts.cache_clear()


def test_a_configured_font_file_is_the_one_embedded() -> None:
    vendored = pdf.VENDORED / "NotoSerifSC-Regular.ttf"
    if not vendored.is_file():
        vendored = pdf.DEBIAN
    assert vendored.is_file(), "run `make install`: no Chinese font for e-licences"
    pdf.fonts.cache_clear()
    try:
        assert pdf.fonts(vendored) == ("DocumentRegular", "DocumentBold")
    finally:
        pdf.fonts.cache_clear()
