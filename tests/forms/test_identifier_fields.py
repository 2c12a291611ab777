"""Every ID-number and credit-code field of every catalog form, rows of tables included, is
held to GB 11643 / GB 32100 by the one identifier check (``identifiers.formats``), with a
Chinese message naming the field."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from tongban import identifiers
from tongban.catalog.loader import read_catalog
from tongban.demo.samples import fill_form
from tongban.forms.service import problems

CATALOG = Path(__file__).resolve().parents[2] / "catalog"
IDENTIFIER_NAME = re.compile(r"(^|_)(id_number|credit_code)$")


def _properties(schema: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for name, prop in schema.get("properties", {}).items():
        yield f"{prefix}{name}", prop
        items = prop.get("items")
        if prop.get("type") == "array" and isinstance(items, dict):
            yield from _properties(items, f"{prefix}{name}[].")


def test_every_id_number_and_credit_code_field_is_checked_as_an_identifier() -> None:
    read = read_catalog(CATALOG)
    unchecked = [
        f"{code}: {path}"
        for code, item in read.items.items()
        for path, prop in _properties(item["form"])
        if IDENTIFIER_NAME.search(path.rpartition(".")[2]) and identifiers.kind_of(prop) is None
    ]
    assert unchecked == []


def test_a_shareholder_s_id_number_with_a_bad_check_digit_is_named_and_refused() -> None:
    form = read_catalog(CATALOG).items["3501-SCJG-001"]["form"]
    data = fill_form(form)
    good = identifiers.make_resident_id("350102", date(1980, 1, 2), 7)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    company = "91350102MA2XQ1K7XN"
    row = data["shareholders"][0]
    data["shareholders"] = [{**row, "id_number": bad}, {**row, "id_number": company}]
    found = {p["field"]: p["message_zh"] for p in problems(form, data)}
    assert list(found) == ["shareholders.0.id_number"]
    message = found["shareholders.0.id_number"]
    assert message.startswith("“股东(出资人)第 1 行的身份证件号码或统一社会信用代码”")
    assert "校验位错误" in message
    data["shareholders"][1]["id_number"] = company[:-1] + "A"  # a company's code, mistyped
    found = {p["field"]: p["message_zh"] for p in problems(form, data)}
    assert "统一社会信用代码校验位错误" in found["shareholders.1.id_number"]
