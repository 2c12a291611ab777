"""The loader's checks of proactive policies (免申即享): a policy exactly for proactive
items, conditions on declared source fields with an operator that fits, nothing asked of
the person, no review by staff, and no proactive item in a bundle."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from tongban.catalog.loader import CatalogRead, check_bundle_text, check_item_text, read_catalog

ROOT = Path(__file__).resolve().parents[2] / "catalog"
CODE = "3501-MZ-002"


@cache
def _read() -> CatalogRead:
    return read_catalog(ROOT)


def _check(text: str) -> list[str]:
    read = _read()
    departments = {d["code"] for d in read.departments}
    _, found = check_item_text(text, CODE, departments, read.sources)
    return [f"{p.field}: {p.message}" for p in found if not p.warning]


TEXT = (ROOT / "items" / f"{CODE}.yaml").read_text(encoding="utf-8")
AGE = "{field: population.birth_date, op: age_at_least, value: 80,"


def test_the_demo_policies_load() -> None:
    assert _check(TEXT) == []


@pytest.mark.parametrize(
    ("old", "new", "says"),
    [
        ("approval_mode: proactive", "approval_mode: ordinary", "只有免申即享事项可写 policy"),
        (AGE, "{field: population.birth_day, op: age_at_least, value: 80,", "没有字段 birth_day"),
        (AGE, "{field: pension.birth_date, op: age_at_least, value: 80,", "数据源 pension"),
        (AGE, "{field: population.birth_date, op: at_least, value: 80,", "不适用于 date"),
        (AGE, "{field: population.birth_date, op: age_at_least, value: -1,", "非负整数"),
        (AGE, "{field: tax.registered_on, op: age_at_least, value: 80,", "按 credit_code 查询"),
        ("  subject: person\n  grant", "  subject: enterprise\n  grant", "不在事项的服务对象中"),
        ("      x-source: population.district\n", "", "须取自共享数据"),
        ("  - stage: decide", "  - stage: review\n    limit: 1\n  - stage: decide", "review"),
    ],
)
def test_a_wrong_policy_is_refused_saying_what_to_fix(old: str, new: str, says: str) -> None:
    assert old in TEXT
    problems = _check(TEXT.replace(old, new, 1))
    assert any(says in problem for problem in problems), problems


def test_a_proactive_item_needs_its_policy() -> None:
    start = TEXT.index("policy:\n")
    end = TEXT.index("result:\n")
    problems = _check(TEXT[:start] + TEXT[end:])
    assert any("须写明 policy" in problem for problem in problems), problems


def test_a_proactive_item_joins_no_bundle() -> None:
    read = _read()
    path = ROOT / "bundles" / "3501-BUNDLE-XSECS.yaml"
    text = path.read_text(encoding="utf-8")
    first = read.bundles["3501-BUNDLE-XSECS"]["items"][0]
    changed = text.replace(f"[{first},", f"[{first}, {CODE},", 1)
    assert changed != text
    departments = {d["code"] for d in read.departments}
    _, found = check_bundle_text(changed, "3501-BUNDLE-XSECS", departments, read.items)
    assert any("免申即享" in p.message for p in found)
