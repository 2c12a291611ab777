"""The hand-written GB/T 2260 table and its lookups."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from itertools import pairwise

from tongban.identifiers import Division, division, is_known_division, iter_divisions, province_of
from tongban.identifiers.divisions import division_warning

PROVINCES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
    "65", "71", "81", "82",
}  # fmt: skip


def test_all_provinces_present_and_current() -> None:
    provinces = {d.code[:2] for d in iter_divisions() if d.level == "province" and d.is_current}
    assert provinces == PROVINCES


def test_rows_are_consistent() -> None:
    by_code: defaultdict[str, list[Division]] = defaultdict(list)
    for d in iter_divisions():
        by_code[d.code].append(d)
        if d.valid_from and d.valid_to:
            assert d.valid_from < d.valid_to, d
        expected = "province" if d.code.endswith("0000") else "prefecture"
        if not d.code.endswith("00"):
            expected = "county"
        assert d.level == expected, d
        assert province_of(d.code) is not None, d
    for records in by_code.values():
        for earlier, later in pairwise(records):
            assert earlier.valid_to is not None
            assert later.valid_from is not None
            assert earlier.valid_to <= later.valid_from


def test_fujian_prefectures() -> None:
    for n in range(1, 10):
        found = division(f"350{n}00")
        assert found is not None and found.is_current and found.level == "prefecture"
    assert division("350100") == Division("350100", "福州市", "prefecture", None, None)


def test_beijing_districts() -> None:
    current = {d.code for d in iter_divisions() if d.code.startswith("1101") and d.is_current}
    expected = {f"1101{n:02d}" for n in (1, 2, *range(5, 10), *range(11, 20))} | {"110100"}
    assert current == expected
    for code in ("110103", "110104"):
        retired = division(code)
        assert retired is not None and retired.valid_to == date(2010, 7, 1)
        assert division(code, on=date(2010, 6, 30)) == retired
        assert division(code, on=date(2010, 7, 1)) is None


def test_changes_over_time() -> None:
    changle_city = division("350182")
    assert changle_city is not None and changle_city.name == "长乐市"
    assert not changle_city.is_current
    assert is_known_division("350182", on=date(2010, 1, 1))
    assert not is_known_division("350182", on=date(2020, 1, 1))
    assert not is_known_division("350112", on=date(2010, 1, 1))
    linping = division("330113")
    assert linping is not None and linping.name == "临平区"
    assert linping.valid_from is not None and linping.valid_from.year == 2021
    assert division("440524", on=date(1980, 1, 1)) is not None
    assert division("440524", on=date(2000, 1, 1)) is None


def test_named_codes() -> None:
    names = {
        "350112": "长乐区",
        "440300": "深圳市",
        "440305": "南山区",
        "510107": "武侯区",
        "420100": "武汉市",
        "330110": "余杭区",
        "445200": "揭阳市",
        "810000": "香港特别行政区",
    }
    for code, name in names.items():
        found = division(code)
        assert found is not None and found.name == name and found.is_current


def test_province_of() -> None:
    fujian = province_of("350102")
    assert fujian is not None and fujian.name == "福建省"
    assert province_of("990000") is None
    assert province_of("3") is None
    assert province_of("ab0000") is None


def test_unknown_codes() -> None:
    assert division("999999") is None
    assert division("35010") is None
    assert not is_known_division("")


def test_division_warning() -> None:
    assert division_warning("350102") is None
    unknown = division_warning("350199")
    assert unknown is not None and "350199" in unknown
    retired = division_warning("110103")
    assert retired is not None and "2010-07-01" in retired and "崇文区" in retired
