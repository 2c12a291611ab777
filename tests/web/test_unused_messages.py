"""Every English translation is of a text the platform still shows: a msgid that no
template, code or catalog data uses any more is dead weight translators keep paying for
(43 such entries were left behind as pages changed)."""

from __future__ import annotations

import ast
from importlib import resources
from pathlib import Path

from babel.messages.pofile import read_po

from tests.conftest import ROOT

PACKAGE = Path(str(resources.files("tongban")))
PO = PACKAGE / "locale/en/LC_MESSAGES/messages.po"


def _python_strings(path: Path) -> list[str]:
    """The string literals of a module, adjacent ones joined as Python joins them."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def _sources() -> str:
    """Templates, scripts, code (its literals) and catalog data: where a msgid can be."""
    texts = []
    for path in [*PACKAGE.rglob("*"), *(ROOT / "catalog").rglob("*")]:
        if path.suffix in (".html", ".js", ".yaml", ".py") and "vendor" not in path.parts:
            texts.append(path.read_text(encoding="utf-8"))
            if path.suffix == ".py":
                texts.extend(_python_strings(path))
    return "\n".join(texts)


def test_every_translated_text_is_still_used_somewhere() -> None:
    with PO.open("rb") as handle:
        msgids = [m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id]
    used = _sources()
    unused = sorted(msgid for msgid in msgids if msgid not in used)
    assert not unused, f"remove from messages.po (no page or code uses them): {unused}"
