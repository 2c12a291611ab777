"""Checks of the catalog's English texts (``name_en`` of items, bundles, materials, fees
and results, ``summary_en`` of items and bundles, ``title_en`` of form fields, ``window_en``
(办理地点) of items and departments, ``basis_en`` of fees, the phrases of ``synonyms_en``,
and every other ``*_en``): pages in English show them in place of the Chinese (and the
guide assistant answers English questions with them), so each must be real
English: not blank, without Chinese characters (a copied Chinese text would be shown as
if it were the translation), and next to the Chinese text it translates (a page shows a
summary only where there is a Chinese one). A missing English text is no fault: the page
shows the Chinese then."""

from __future__ import annotations

import re
from typing import Any

from tongban.catalog.yamlsource import Problem, SourceDocument

# English texts that translate a Chinese one beside them (the rest stand alone)
_PAIRED = frozenset({"name", "title", "summary", "window", "basis", "reason", "how"})
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")


def _walk(value: Any, path: list[str | int]) -> list[tuple[list[str | int], str]]:
    found: list[tuple[list[str | int], str]] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(key, str) and key.endswith("_en") and isinstance(inner, list):
                for index, phrase in enumerate(inner):
                    found += _english(value, key, phrase, [*path, key, index])
            elif isinstance(key, str) and key.endswith("_en") and not isinstance(inner, dict):
                found += _english(value, key, inner, [*path, key])
            else:
                found += _walk(inner, [*path, key])
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _walk(inner, [*path, index])
    return found


def _english(owner: dict[str, Any], key: str, text: Any, path: list[str | int]) -> list[Any]:
    chinese = key.removesuffix("_en")
    if not isinstance(text, str) or not text.strip():
        return [(path, f"英文文本 {key} 不能为空")]
    if _HAN.search(text):
        return [(path, f"英文文本 {key} 含有中文字符或全角符号：{text}")]
    if chinese in _PAIRED and chinese not in owner:
        return [(path, f"有英文 {key} 而没有对应的中文 {chinese}")]
    return []


def english_problems(doc: SourceDocument) -> list[Problem]:
    """Every English text of an item, bundle or departments file that cannot be shown as
    English."""
    return [doc.problem(path, message) for path, message in _walk(doc.data, [])]
