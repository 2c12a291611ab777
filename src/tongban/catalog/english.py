"""Checks of the catalog's English texts (``name_en`` of items, bundles, materials, fees
and results, ``summary_en`` of items and bundles, ``title_en`` of form fields, ``window_en``
(办理地点) of items and departments, ``basis_en`` of fees, the phrases of ``synonyms_en``,
the items' ``conditions_en`` (one for each condition, in its order), form fields'
``enum_en`` (one label for each choice), a 免申即享 policy's ``how_en`` and its
conditions' ``title_en``, and every other ``*_en``): pages in English show them in place
of the Chinese (and the guide assistant answers English questions with them), so each
must be real English: not blank, without Chinese characters (a copied Chinese text would
be shown as if it were the translation), and next to the Chinese text it translates (a
page shows a summary only where there is a Chinese one). A missing English text is no
fault: the page shows the Chinese then."""

from __future__ import annotations

import re
from typing import Any

from tongban.catalog.yamlsource import Problem, SourceDocument

# English texts that translate a Chinese one beside them (the rest stand alone)
_PAIRED = frozenset({"name", "title", "summary", "window", "basis", "reason", "how"})
# English lists that translate a Chinese list beside them one for one (``conditions_en``: a
# page shows the one in place of the other, so a missing or extra line would drop or add
# a condition; ``enum_en``: a form's choice labels, one per value; ``terms_en``: a source
# field's English of an open list's values, one per value); ``synonyms_en`` stand alone
_PAIRED_LISTS = frozenset({"conditions", "enum", "terms"})
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e]")


def _walk(value: Any, path: list[str | int]) -> list[tuple[list[str | int], str]]:
    found: list[tuple[list[str | int], str]] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if isinstance(key, str) and key.endswith("_en") and isinstance(inner, list):
                found += _one_for_one(value, key, inner, [*path, key])
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


def _one_for_one(
    owner: dict[str, Any], key: str, texts: list[Any], path: list[str | int]
) -> list[Any]:
    chinese = key.removesuffix("_en")
    if chinese not in _PAIRED_LISTS:
        return []
    count = len(owner.get(chinese) or [])
    if len(texts) == count:
        return []
    return [
        (
            path,
            f"英文 {key} 须与 {chinese} 逐条对应：英文 {len(texts)} 条，中文 {count} 条"
            f"（{key} must translate {chinese} line for line: {len(texts)} in English, "
            f"{count} in Chinese）",
        )
    ]


def english_problems(doc: SourceDocument) -> list[Problem]:
    """Every English text of an item, bundle or departments file that cannot be shown as
    English, and every English list (``conditions_en``, a field's choice labels
    ``enum_en``) that does not pair one for one with the Chinese list it translates."""
    found = _walk(doc.data, [])
    return [doc.problem(path, message) for path, message in found]
