"""The loader's checks of handling where the applicant lives (属地, ``local_offices``): each
place names a district the form's district field offers, so a street outside the
applicant's district can be refused (``catalog.misplaced``)."""

from __future__ import annotations

from pathlib import Path

from tongban.catalog.loader import check_item_text, read_catalog

ROOT = Path(__file__).resolve().parents[2] / "catalog"
CODE = "3501-MZ-001"
TEXT = (ROOT / "items" / f"{CODE}.yaml").read_text(encoding="utf-8")


def _errors(text: str) -> list[str]:
    read = read_catalog(ROOT)
    departments = {d["code"] for d in read.departments}
    _, found = check_item_text(text, CODE, departments, read.sources)
    return [f"{p.field}: {p.message}" for p in found if not p.warning]


def test_a_place_in_a_district_the_form_does_not_offer_is_an_error() -> None:
    assert _errors(TEXT) == []
    wrong = TEXT.replace(
        "{place: 仓山区仓前街道, district: 仓山区,", "{place: 仓山区仓前街道, district: 仓前区,"
    )
    assert _errors(wrong) == [
        "local_offices.offices.2.district: 所属区字段 fuzhou_district 须为表单字段，其选项包括 仓前区"
    ]
    missing = TEXT.replace("  district_field: fuzhou_district\n", "")
    assert any("district_field" in error for error in _errors(missing))
