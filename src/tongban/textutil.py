"""Text as people type it, folded once so that every search and filter compares alike.

Chinese input methods switch to full-width letters and digits (ＳＹＤＪ, ３５０１) and an
ideographic space; NFKC turns them into their plain forms, casefold ignores case, and
runs of any space become one.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """``text`` for matching: NFKC, case-folded, spaces collapsed and trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def code(text: str) -> str:
    """A code typed by a person (item, department, case number): NFKC, no spaces, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()
