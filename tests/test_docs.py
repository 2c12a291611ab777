"""Documentation generated from code stays in step with the code."""

from __future__ import annotations

from pathlib import Path

from tongban.config import settings_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_settings_reference_is_generated_from_the_settings_class() -> None:
    written = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    assert written == settings_markdown(), "run: .venv/bin/tongban settings > docs/settings.md"
