"""Fees are money: decimals from the catalog file to the page and the API, written as
"1,234,567.50 元" (Chinese) or "CNY 1,234,567.50" (English), never "1.23457e+06".
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.catalog.conftest import CatalogCopy
from tests.factories import API
from tongban import money
from tongban.catalog import service as catalog
from tongban.catalog.loader import read_catalog

ITEM = "3501-ZRZY-001"  # 存量房转移登记: 不动产登记费 80 元, in the 二手房过户 bundle
BUNDLE = "3501-BUNDLE-ESFGH"
FEE = "  amount: 80\n"


def _load_with_fee(db: Session, copy: CatalogCopy, amount: str) -> None:
    copy.replace(f"items/{ITEM}.yaml", FEE, f"  amount: {amount}\n")
    report = catalog.load_catalog(db, root=copy.root)
    assert report.read is not None and not report.read.errors, report.read.errors


def test_a_large_fee_is_shown_as_money_on_the_guide_and_the_bundle_page(
    db: Session, catalog_copy: CatalogCopy, client: TestClient
) -> None:
    _load_with_fee(db, catalog_copy, "1234567.5")

    for page in (f"/items/{ITEM}", f"/bundles/{BUNDLE}"):
        html = client.get(page).text
        assert "1,234,567.50 元" in html and "e+06" not in html
        assert "0.00 元" in html  # the free certificate next to it
        assert "CNY 1,234,567.50" in client.get(page, params={"lang": "en"}).text


def test_the_api_gives_amounts_as_strings_with_two_decimals(
    db: Session, catalog_copy: CatalogCopy, client: TestClient
) -> None:
    _load_with_fee(db, catalog_copy, "1234567.5")

    body = client.get(f"{API}/items/{ITEM}").json()

    # 住宅, 非住宅 (one of the two by the form's answer), the free and the extra certificate
    assert [fee["amount"] for fee in body["fees"]] == ["1234567.50", "550.00", "0.00", "10.00"]
    assert body["definition"]["items"][0]["fees"][0]["amount"] == "1234567.50"
    bundle = client.get(f"{API}/bundles/{BUNDLE}").json()
    assert {"item_code": ITEM, "amount": "1234567.50"}.items() <= bundle["fees"][0].items()
    described = client.get(f"{API}/openapi.json").json()["components"]["schemas"]["FeeRead"]
    assert "2 decimals" in described["properties"]["amount"]["description"]


@pytest.mark.parametrize(
    ("amount", "says"),
    [
        (".nan", "有限"),
        (".inf", "有限"),
        ("12.345", "最多两位小数"),
        ("1000000000000.01", "不能超过"),
        ("-5", "0"),
    ],
)
def test_the_loader_refuses_an_amount_that_is_no_money(
    catalog_copy: CatalogCopy, amount: str, says: str
) -> None:
    line = catalog_copy.replace(f"items/{ITEM}.yaml", FEE, f"  amount: {amount}\n")

    found = [p for p in read_catalog(catalog_copy.root).errors if p.file == f"items/{ITEM}.yaml"]

    assert [(p.line, p.field) for p in found] == [(line, "fees.0.amount")]
    assert says in found[0].message


@pytest.mark.parametrize(
    ("value", "zh", "en"),
    [
        (Decimal("1234567.5"), "1,234,567.50 元", "CNY 1,234,567.50"),
        (80, "80.00 元", "CNY 80.00"),
        (0.1, "0.10 元", "CNY 0.10"),
        ("12.30", "12.30 元", "CNY 12.30"),
    ],
)
def test_one_helper_writes_money_in_either_language(value: object, zh: str, en: str) -> None:
    assert money.format_money(value, "zh_Hans") == zh
    assert money.format_money(value, "en") == en
