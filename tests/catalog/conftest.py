"""A private copy of the demo catalog for each test that wants to break or change it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CATALOG = Path(__file__).resolve().parents[2] / "catalog"


class CatalogCopy:
    """The demo catalog copied below ``tmp_path``, edited as plain YAML text."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, name: str) -> Path:
        return self.root / name

    def text(self, name: str) -> str:
        return self.path(name).read_text(encoding="utf-8")

    def replace(self, name: str, old: str, new: str) -> int:
        """Replace the one occurrence of ``old``; return the 1-based line it starts on."""
        text = self.text(name)
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {name}"
        line = text[: text.index(old)].count("\n") + 1
        self.path(name).write_text(text.replace(old, new), encoding="utf-8")
        return line

    def line_of(self, name: str, fragment: str) -> int:
        """The 1-based line of the one occurrence of ``fragment``."""
        text = self.text(name)
        assert text.count(fragment) == 1, f"{fragment!r} occurs {text.count(fragment)} times"
        return text[: text.index(fragment)].count("\n") + 1

    def remove(self, name: str) -> None:
        self.path(name).unlink()


@pytest.fixture
def catalog_copy(tmp_path: Path) -> CatalogCopy:
    root = tmp_path / "catalog"
    shutil.copytree(CATALOG, root)
    return CatalogCopy(root)


from tests.web.conftest import signed_in  # noqa: E402, F401 (fixture for page tests)
