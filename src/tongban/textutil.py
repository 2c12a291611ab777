"""Text as people type it, folded once so that every search and filter compares alike.

Chinese input methods switch to full-width letters and digits (ＳＹＤＪ, ３５０１) and an
ideographic space; NFKC turns them into their plain forms, casefold ignores case, and
runs of any space become one. Counts written in English take the noun's form for their
number (:func:`counted`).
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """``text`` for matching: NFKC, case-folded, spaces collapsed and trimmed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def code(text: str) -> str:
    """A code typed by a person (item, department, case number): NFKC, no spaces, upper case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def counted(n: float, one: str, many: str | None = None) -> str:
    """``n`` things in English, the noun in its form for the number: "1 minute",
    "2 minutes", "0 entries", "1.5 days" (``many``: ``one`` + "s" unless given). Chinese
    has no such forms; page text counts through ``_n`` (``web.i18n.ngettext_for``)."""
    return f"{n:g} {one if n == 1 else many or one + 's'}"
