"""DMN 1.3 export and import of decision tables: every table of the demo catalog and every
cell the format allows come back equal; files outside the supported part are refused
with where and what to fix, in both languages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from tongban.rules import dmn
from tongban.rules.dmn import NS, DmnError, export_table, import_table, normal

ROOT = Path(__file__).resolve().parents[2]
FORM = {
    "properties": {
        "name": {"type": "string", "title": "名称"},
        "volume": {"type": "number", "title": "数量"},
        "start": {"type": "string", "format": "date", "title": "起始日期"},
        "end": {"type": "string", "format": "date", "title": "结束日期"},
        "agreed": {"type": "boolean", "title": "同意"},
        "kinds": {"type": "array", "title": "经营项目", "items": {"type": "string"}},
    }
}
SOURCES: dict[str, dict[str, Any]] = {
    "credit": {"name": "信用", "fields": {"dishonest": {"type": "boolean", "title": "失信"}}}
}


def _catalog_tables() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    sources = yaml.safe_load((ROOT / "catalog" / "sources.yaml").read_text("utf-8"))
    by_code = {s["code"]: s for s in sources["sources"]} if "sources" in sources else sources
    found = []
    for path in sorted((ROOT / "catalog" / "items").glob("*.yaml")):
        item = yaml.safe_load(path.read_text("utf-8"))
        if item.get("decision"):
            found.append((item["code"], item, by_code))
    return found


@pytest.mark.parametrize("code", [code for code, _, _ in _catalog_tables()])
def test_every_catalog_table_comes_back_equal(code: str) -> None:
    [(_, item, sources)] = [t for t in _catalog_tables() if t[0] == code]
    xml = export_table(item["decision"], name=code, form=item["form"], sources=sources)
    root = ET.fromstring(xml)
    assert root.tag == f"{{{NS}}}definitions"
    assert (
        root.find(f"{{{NS}}}decision/{{{NS}}}decisionTable").get("hitPolicy")
        == (item["decision"]["hit_policy"])
    )
    back = import_table(xml, form=item["form"], sources=sources)
    assert normal(back) == normal(item["decision"])


scalars = st.one_of(
    st.text(min_size=1, max_size=8).filter(lambda t: t.strip() == t and t not in ("today",)),
)
numbers = st.one_of(st.integers(-10_000, 10_000), st.floats(-1e4, 1e4).map(lambda f: round(f, 2)))
days = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.builds(
        lambda s, n, u: f"today{s}{n}{u}",
        st.sampled_from("+-"),
        st.integers(0, 999),
        st.sampled_from("dy"),
    ),
    st.just("today"),
)


def _cells(values: st.SearchStrategy[Any], ordered: bool) -> st.SearchStrategy[Any]:
    single = [
        values,
        st.lists(values, min_size=2, max_size=3),
        st.builds(lambda v: {"ne": v}, values),
        st.builds(lambda v: {"not_in": v}, st.lists(values, min_size=1, max_size=3)),
        st.builds(lambda e: {"empty": e}, st.booleans()),
    ]
    if ordered:
        single += [
            st.builds(lambda op, v: {op: v}, st.sampled_from(["lt", "le", "gt", "ge"]), values),
            st.builds(lambda a, b: {"between": [a, b]}, values, values),
            st.builds(lambda a, b: {"ge": a, "le": b}, values, values),
            st.builds(lambda a, b: {"gt": a, "not_in": [b]}, values, values),
        ]
    return st.one_of(*single)


@given(
    name=st.one_of(
        _cells(scalars, False),
        st.builds(lambda w: {"contains": w}, st.lists(scalars, min_size=1, max_size=3)),
        st.builds(
            lambda w: {"contains": w, "empty": False}, st.lists(scalars, min_size=1, max_size=2)
        ),
    ),
    volume=_cells(numbers, True),
    start=st.one_of(_cells(days, True), st.just({"lt": {"field": "end"}})),
    agreed=st.one_of(st.booleans(), st.builds(lambda e: {"empty": e}, st.booleans())),
    kinds=st.one_of(
        st.builds(
            lambda op, v: {op: v},
            st.sampled_from(["any_in", "all_in"]),
            st.lists(st.one_of(scalars, numbers), min_size=1, max_size=3),
        ),
        st.builds(
            lambda v, w, e: {"any_in": v, "all_in": w, "empty": e},
            st.lists(scalars, min_size=1, max_size=2),
            st.lists(scalars, min_size=1, max_size=2),
            st.booleans(),
        ),
    ),
    policy=st.sampled_from(["FIRST", "UNIQUE", "PRIORITY", "ANY"]),
    reason=st.text(min_size=2, max_size=12),
)
def test_every_cell_comes_back_equal(
    name: Any, volume: Any, start: Any, agreed: Any, kinds: Any, policy: str, reason: str
) -> None:
    table = {
        "hit_policy": policy,
        "inputs": [
            {"field": f}
            for f in ("name", "volume", "start", "end", "agreed", "kinds", "credit.dishonest")
        ],
        "rules": [
            {
                "when": {
                    "name": name,
                    "volume": volume,
                    "start": start,
                    "agreed": agreed,
                    "kinds": kinds,
                },
                "outcome": "refuse",
                "reason": reason,
                "reason_en": "Refused",
            },
            {"when": {}, "outcome": "approve", "reason": "准予"},
        ],
        "no_match_reason": "转人工",
    }
    xml = export_table(table, name="测试", form=FORM, sources=SOURCES)
    assert normal(import_table(xml, form=FORM, sources=SOURCES)) == normal(table)


def _file(cell: str, *, policy: str = "FIRST", outcome: str = '"approve"') -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="{NS}" id="d" name="d" namespace="x">
  <decision id="decision" name="t">
    <decisionTable id="t" hitPolicy="{policy}">
      <input id="i1" label="数量"><inputExpression id="e1" typeRef="number"><text>volume</text></inputExpression></input>
      <output id="o1" name="outcome" typeRef="string"/>
      <output id="o2" name="reason" typeRef="string"/>
      <rule id="r1"><inputEntry id="c1"><text>{cell}</text></inputEntry>
        <outputEntry id="c2"><text>{outcome}</text></outputEntry>
        <outputEntry id="c3"><text>"准予备案"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>""".encode()


def test_a_modelers_file_reads_as_the_table_it_shows() -> None:
    table = import_table(_file("&gt;= 100"), form=FORM, sources=SOURCES)
    assert table == {
        "hit_policy": "FIRST",
        "inputs": [{"field": "volume"}],
        "rules": [{"when": {"volume": {"ge": 100}}, "outcome": "approve", "reason": "准予备案"}],
    }
    assert import_table(_file("-"), form=FORM, sources=SOURCES)["rules"][0]["when"] == {}
    choices = 'every choice in ? satisfies choice in ("a", "b")'
    cell = import_table(_file(choices), form=FORM, sources=SOURCES)["rules"][0]["when"]
    assert cell == {"volume": {"all_in": ["a", "b"]}}  # the checks then refuse a number field


@pytest.mark.parametrize(
    ("data", "where", "zh"),
    [
        (b"<definitions", "文件", "不是有效的 XML"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>', "文件", "DOCTYPE"),
        (
            b'<definitions xmlns="http://www.omg.org/spec/DMN/20180521/MODEL/"/>',
            "根元素",
            "DMN 1.3",
        ),
        (_file("&gt;= 100", policy="COLLECT"), "hitPolicy", "FIRST、UNIQUE"),
        (_file("&gt;= 100", outcome='"maybe"'), "规则 r1，输出列 outcome", "approve"),
        (_file("volume * 2 &gt; 3"), "规则 r1，输入列 volume", "支持的写法"),
        (_file("&lt; other_field"), "规则 r1，输入列 volume", "不是本表的输入列"),
        (_file("some x in ? satisfies x in (1) and ? != null"), "输入列 volume", "用括号括起"),
        (_file("some x in ? satisfies y in (1)"), "输入列 volume", "此处应为 x"),
    ],
)
def test_a_bad_file_is_refused_saying_where_and_what_to_fix(
    data: bytes, where: str, zh: str
) -> None:
    with pytest.raises(DmnError) as caught:
        import_table(data, form=FORM, sources=SOURCES)
    problems = caught.value.problems
    assert any(where in w and zh in z and e for w, z, e in problems), problems


def test_feel_is_read_not_run() -> None:
    with pytest.raises(DmnError) as caught:
        import_table(_file('__import__("os").system("x")'), form=FORM, sources=SOURCES)
    assert "支持的写法" in caught.value.problems[0][1]
    assert dmn.OUTPUTS == ("outcome", "reason", "reason_en")


def _input_types(xml: bytes) -> dict[str, str]:
    root = ET.fromstring(xml)
    return {
        (node.findtext(f"{{{NS}}}text") or ""): node.get("typeRef") or ""
        for node in root.iter(f"{{{NS}}}inputExpression")
    }


def test_a_multiple_choice_field_goes_out_as_a_dmn_collection_type() -> None:
    """A list input is typed as DMN 1.3 types a list (an itemDefinition with
    isCollection="true" of its choices' type), so a modeler reads its some/every cells
    as tests over a list; a single value keeps its FEEL type."""
    sizes = {"type": "array", "title": "规格", "items": {"type": "integer"}}
    form = {"properties": {**FORM["properties"], "sizes": sizes}}
    table = {
        "hit_policy": "FIRST",
        "inputs": [{"field": "kinds"}, {"field": "sizes"}, {"field": "volume"}],
        "rules": [
            {
                "when": {"kinds": {"any_in": ["生食类食品制售"]}, "sizes": {"all_in": [1, 2]}},
                "outcome": "to_person",
                "reason": "高风险",
            }
        ],
    }
    xml = export_table(table, name="测试", form=form, sources=SOURCES)
    root = ET.fromstring(xml)
    declared = {
        node.get("name"): (node.get("isCollection"), node.findtext(f"{{{NS}}}typeRef"))
        for node in root.findall(f"{{{NS}}}itemDefinition")
    }
    types = _input_types(xml)
    assert declared[types["kinds"]] == ("true", "string")
    assert declared[types["sizes"]] == ("true", "number")
    assert types["volume"] == "number"
    assert import_table(xml, form=form, sources=SOURCES) == table


def _typed(type_ref: str, field: str = "kinds", items: str = "") -> bytes:
    cell = 'some item in ? satisfies item in ("a")' if field == "kinds" else "&gt;= 1"
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="{NS}" id="d" name="d" namespace="x">{items}
  <decision id="decision" name="t">
    <decisionTable id="t" hitPolicy="FIRST">
      <input id="i1"><inputExpression id="e1" typeRef="{type_ref}"><text>{field}</text></inputExpression></input>
      <output id="o1" name="outcome" typeRef="string"/>
      <output id="o2" name="reason" typeRef="string"/>
      <rule id="r1"><inputEntry id="c1"><text>{cell}</text></inputEntry>
        <outputEntry id="c2"><text>"to_person"</text></outputEntry>
        <outputEntry id="c3"><text>"转人工"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>""".encode()


def _collection(name: str, member: str) -> str:
    return (
        f'<itemDefinition id="{name}" name="{name}" isCollection="true">'
        f"<typeRef>{member}</typeRef></itemDefinition>"
    )


STRINGS = _collection("tChoices", "string")


@pytest.mark.parametrize(
    "data",
    [_typed("tChoices", items=STRINGS), _typed("array"), _typed("list")],
    ids=["collection", "earlier export", "feel list"],
)
def test_a_list_column_is_read_however_a_modeler_names_the_list_type(data: bytes) -> None:
    table = import_table(data, form=FORM, sources=SOURCES)
    assert table["rules"][0]["when"] == {"kinds": {"any_in": ["a"]}}


@pytest.mark.parametrize(
    ("data", "zh", "en"),
    [
        (_typed("string"), "多选列表", "a list"),
        (_typed("tChoices", field="volume", items=STRINGS), "不是多选列表", "not a list"),
        (_typed("tNumbers", items=_collection("tNumbers", "number")), "各项须为文字", "text"),
    ],
    ids=["list typed as one value", "one value typed as a list", "wrong choice type"],
)
def test_a_column_typed_against_its_field_is_refused_saying_what_to_write(
    data: bytes, zh: str, en: str
) -> None:
    with pytest.raises(DmnError) as caught:
        import_table(data, form=FORM, sources=SOURCES)
    problems = caught.value.problems
    assert any(w.startswith("输入列 1") and zh in z and en in e for w, z, e in problems), problems
