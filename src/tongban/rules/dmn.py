"""A decision table as a DMN 1.3 decision table (XML), so standard modelers (Camunda
Modeler, bpmn.io) can show and edit it, and back (OMG DMN 1.3, namespace ``NS``).

Shape written and read::

    <definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" …>
      <itemDefinition id="tStringList" name="tStringList" isCollection="true">
        <typeRef>string</typeRef></itemDefinition>
      <decision id="decision" name="ITEM name">
        <decisionTable id="table" hitPolicy="FIRST">
          <input id="input_1" label="企业登记状态">
            <inputExpression id="input_1_expr" typeRef="string"><text>enterprise_register.status</text></inputExpression>
          </input>
          <input id="input_2" label="经营项目">
            <inputExpression id="input_2_expr" typeRef="tStringList"><text>food_business_items</text></inputExpression>
          </input> …
          <output id="outcome" name="outcome" typeRef="string">
            <outputValues><text>"refuse","to_person","approve"</text></outputValues></output>
          <output id="reason" name="reason" typeRef="string"/>
          <output id="reason_en" name="reason_en" typeRef="string"/>
          <rule id="rule_1"><inputEntry><text>not("存续", "在业")</text></inputEntry> …
            <outputEntry><text>"refuse"</text></outputEntry> … </rule>
        </decisionTable>
        <extensionElements><tongban:noMatchReason>…</tongban:noMatchReason></extensionElements>
      </decision>
    </definitions>

Cells are FEEL unary tests of the closed subset of ``feel.py``; the order of the outcome's
``outputValues`` is the PRIORITY order (refuse, to_person, approve). An input's
``typeRef`` is its FEEL type; a multiple-choice field (tested by ``any_in``/``all_in``,
FEEL's some/every) is a list, typed as DMN 1.3 types one: an ``itemDefinition`` with
``isCollection="true"`` of its choices' type. Reading takes such a collection, or
``array`` / ``list``, as a list type, and refuses a column typed against its field. Reading refuses a
DOCTYPE (no entities) and reports every problem at once, each with where it is.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from tongban.rules.checks import KIND_NAMES, KIND_NAMES_EN, choice_kind, field_kind, field_title
from tongban.rules.feel import FeelError, read_cell, unary_tests
from tongban.rules.tables import HitPolicy, Outcome, cell_tests

NS = "https://www.omg.org/spec/DMN/20191111/MODEL/"
EXT = "https://tongban.example/dmn"
OUTPUTS = ("outcome", "reason", "reason_en")
Problem = tuple[str, str, str]  # (where, Chinese message, English message)
LIST_TYPES = ("array", "list")  # list typeRefs without an itemDefinition (earlier exports)
FEEL_TYPES = {  # FEEL's built-in types (and the modelers' number types) as a field's kind
    **{name: name for name in ("string", "number", "boolean", "date")},
    **{name: "number" for name in ("integer", "long", "double")},
    **{name: name for name in ("time", "dateTime", "date and time")},
}


class DmnError(ValueError):
    """A file that is not a decision table this platform reads: every problem, each as
    (where, Chinese, English)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{where}: {zh}" for where, zh, _ in problems))
        self.problems = problems


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, _q(tag), attrs)
    ET.SubElement(node, _q("text")).text = text
    return node


def _feel_string(text: str | None) -> str:
    return "" if text is None else json.dumps(text, ensure_ascii=False)


def export_table(
    table: Mapping[str, Any],
    *,
    name: str,
    form: Mapping[str, Any],
    sources: Mapping[str, dict[str, Any]],
) -> bytes:
    """The DMN 1.3 XML (UTF-8) of ``table``; ``name``: the decision's name (the item)."""
    ET.register_namespace("", NS)
    ET.register_namespace("tongban", EXT)
    root = ET.Element(
        _q("definitions"),
        {"id": "definitions", "name": name, "namespace": EXT},
    )
    decision = ET.SubElement(root, _q("decision"), {"id": "decision", "name": name})
    if table.get("no_match_reason"):
        extension = ET.SubElement(decision, _q("extensionElements"))
        ET.SubElement(extension, f"{{{EXT}}}noMatchReason").text = table["no_match_reason"]
    grid = ET.SubElement(
        decision, _q("decisionTable"), {"id": "table", "hitPolicy": table["hit_policy"]}
    )
    kinds = []
    for index, column in enumerate(table["inputs"], start=1):
        field = column["field"]
        kind = field_kind(field, form, sources)
        kinds.append(kind)
        label = column.get("label") or field_title(field, form, sources)
        node = ET.SubElement(grid, _q("input"), {"id": f"input_{index}", "label": label})
        type_ref = _list_type(root, choice_kind(field, form)) if kind == "array" else kind
        _text(
            node, "inputExpression", field, id=f"input_{index}_expr", typeRef=type_ref or "string"
        )
    outcome = ET.SubElement(
        grid, _q("output"), {"id": "outcome", "name": "outcome", "typeRef": "string"}
    )
    ET.SubElement(ET.SubElement(outcome, _q("outputValues")), _q("text")).text = ",".join(
        f'"{o}"' for o in (Outcome.refuse, Outcome.to_person, Outcome.approve)
    )
    for output in OUTPUTS[1:]:
        ET.SubElement(grid, _q("output"), {"id": output, "name": output, "typeRef": "string"})
    for number, row in enumerate(table["rules"], start=1):
        rule = ET.SubElement(grid, _q("rule"), {"id": f"rule_{number}"})
        for column, kind in zip(table["inputs"], kinds, strict=True):
            cell = row["when"].get(column["field"])
            _text(rule, "inputEntry", "-" if cell is None else unary_tests(cell, kind))
        _text(rule, "outputEntry", _feel_string(row["outcome"]))
        _text(rule, "outputEntry", _feel_string(row["reason"]))
        _text(rule, "outputEntry", _feel_string(row.get("reason_en")))
    ET.indent(root)
    written: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return written + b"\n"


def _list_type(root: ET.Element, member: str | None) -> str:
    """The name of the list type of ``member`` choices, declared once in ``root`` (before
    its decision, as DMN 1.3 orders them)."""
    name = f"t{(member or 'string').capitalize()}List"
    if root.find(f"{_q('itemDefinition')}[@name='{name}']") is None:
        attributes = {"id": name, "name": name, "isCollection": "true"}
        node = ET.Element(_q("itemDefinition"), attributes)
        ET.SubElement(node, _q("typeRef")).text = member or "string"
        root.insert(len(root.findall(_q("itemDefinition"))), node)
    return name


def _declared_types(root: ET.Element) -> dict[str, tuple[bool, str | None]]:
    """typeRef → (a list?, the kind of it or of its items) for the file's item
    definitions and the names that need none; a typeRef not in it is not checked."""
    types: dict[str, tuple[bool, str | None]] = {name: (True, None) for name in LIST_TYPES}
    types.update({name: (False, kind) for name, kind in FEEL_TYPES.items()})
    for node in root.findall(_q("itemDefinition")):
        base = (node.findtext(_q("typeRef")) or "").strip()
        collection = node.get("isCollection") == "true"
        types[node.get("name") or ""] = (collection, FEEL_TYPES.get(base, base or None))
    return types


def _type_problem(
    type_ref: str,
    types: Mapping[str, tuple[bool, str | None]],
    field: str,
    form: Mapping[str, Any],
    sources: Mapping[str, dict[str, Any]],
) -> tuple[str, str] | None:
    """What is wrong with typing ``field`` as ``type_ref`` (``types``: what the file's
    typeRefs declare); None when it fits, or the type or the field is unknown."""
    if type_ref not in types:
        return None
    listed, declared_kind = types[type_ref]
    kind, member = field_kind(field, form, sources), choice_kind(field, form)
    if kind == "array" and not listed:
        return (
            f'该字段是多选列表，typeRef 须为列表类型（isCollection="true" 的 itemDefinition），'
            f"现为 {type_ref}",
            "the field is a multiple-choice list: typeRef must be a list type (an "
            f'itemDefinition with isCollection="true"), not {type_ref}',
        )
    if kind not in (None, "array") and listed:
        return (
            f"该字段不是多选列表，typeRef 不能是列表类型 {type_ref}，请写 {kind}",
            f"the field is not a list: typeRef cannot be the list type {type_ref}; write {kind}",
        )
    if listed and member and declared_kind and declared_kind != member:
        return (
            f"列表类型 {type_ref} 的各项须为{KIND_NAMES[member]}（typeRef {member}），"
            f"现为 {declared_kind}",
            f"the items of the list type {type_ref} must be {KIND_NAMES_EN[member]} "
            f"(typeRef {member}), not {declared_kind}",
        )
    return None


def _parse(data: bytes) -> ET.Element:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise DmnError([("文件", "不得含 DOCTYPE 或实体声明", "must hold no DOCTYPE or entities")])
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise DmnError(
            [("文件", f"不是有效的 XML：{error}", f"is not well-formed XML: {error}")]
        ) from None
    if root.tag != _q("definitions"):
        raise DmnError(
            [
                (
                    "根元素",
                    f"须为 DMN 1.3 的 definitions（命名空间 {NS}），现为 {root.tag}",
                    f"must be DMN 1.3 definitions (namespace {NS}), not {root.tag}",
                )
            ]
        )
    return root


def _string(text: str, where: str, problems: list[Problem]) -> str | None:
    stripped = text.strip()
    if stripped in ("", "null", "-"):
        return None
    try:
        found = json.loads(stripped)
    except ValueError:
        found = None
    if not isinstance(found, str):
        problems.append(
            (
                where,
                f"须为带引号的文字，现为 {stripped}",
                f"must be a quoted string, not {stripped}",
            )
        )
        return None
    return found


def _entry_texts(rule: ET.Element, tag: str) -> list[str]:
    return [(e.findtext(_q("text")) or "") for e in rule.findall(_q(tag))]


def _row(
    rule: ET.Element, number: int, fields: list[str], outputs: list[str], problems: list[Problem]
) -> dict[str, Any]:
    where = f"规则 {rule.get('id') or number}"
    cells, entries = _entry_texts(rule, "inputEntry"), _entry_texts(rule, "outputEntry")
    if len(cells) != len(fields) or len(entries) != len(outputs):
        problems.append(
            (
                where,
                f"须有 {len(fields)} 个输入格和 {len(outputs)} 个输出格",
                f"must have {len(fields)} input and {len(outputs)} output entries",
            )
        )
        return {}
    when = {}
    for field, text in zip(fields, cells, strict=True):
        try:
            cell = read_cell(text, fields=set(fields))
        except FeelError as error:
            problems.append((f"{where}，输入列 {field}", error.zh, error.en))
            continue
        if cell is not None:
            when[field] = cell
    row: dict[str, Any] = {"when": when}
    for output, text in zip(outputs, entries, strict=True):
        found = _string(text, f"{where}，输出列 {output}", problems)
        if found is not None:
            row[output] = found
    if row.get("outcome") not in [str(o) for o in Outcome]:
        problems.append(
            (
                f"{where}，输出列 outcome",
                '须为 "approve"、"refuse" 或 "to_person"',
                'must be "approve", "refuse" or "to_person"',
            )
        )
    return row


def import_table(
    data: bytes, *, form: Mapping[str, Any], sources: Mapping[str, dict[str, Any]]
) -> dict[str, Any]:
    """The decision table a DMN 1.3 file holds (its first decision table), written as the
    catalog writes one; DmnError listing every problem. A column label equal to the
    field's title is left out (the title is the default). The caller then checks the
    table as the loader does (``service.table_problems``)."""
    root = _parse(data)
    problems: list[Problem] = []
    decision = root.find(_q("decision"))
    grid = decision.find(_q("decisionTable")) if decision is not None else None
    if decision is None or grid is None:
        raise DmnError([("文件", "没有 decision/decisionTable", "holds no decision/decisionTable")])
    policy = grid.get("hitPolicy", "UNIQUE")
    if policy not in [str(p) for p in HitPolicy]:
        problems.append(
            (
                "decisionTable hitPolicy",
                f"须为 FIRST、UNIQUE、PRIORITY 或 ANY，现为 {policy}",
                f"must be FIRST, UNIQUE, PRIORITY or ANY, not {policy}",
            )
        )
    inputs, fields, types = [], [], _declared_types(root)
    for index, node in enumerate(grid.findall(_q("input")), start=1):
        expression = node.find(_q("inputExpression"))
        field = "" if expression is None else (expression.findtext(_q("text")) or "").strip()
        if expression is None or not field:
            problems.append(
                (f"输入列 {index}", "缺少 inputExpression 的字段名", "has no inputExpression text")
            )
            continue
        type_ref = (expression.get("typeRef") or "").strip()
        wrong = _type_problem(type_ref, types, field, form, sources)
        if wrong:
            problems.append((f"输入列 {index}（{field}）typeRef", *wrong))
        column = {"field": field}
        label = node.get("label")
        if label and label != field_title(field, form, sources):
            column["label"] = label
        inputs.append(column)
        fields.append(field)
    outputs = [node.get("name") or "" for node in grid.findall(_q("output"))]
    if outputs not in (list(OUTPUTS), list(OUTPUTS[:2])):
        problems.append(
            (
                "输出列",
                f"须依次为 outcome、reason（、reason_en），现为 {'、'.join(outputs) or '无'}",
                f"must be outcome, reason (, reason_en), not {', '.join(outputs) or 'none'}",
            )
        )
        raise DmnError(problems)
    rules = [
        _row(rule, number, fields, outputs, problems)
        for number, rule in enumerate(grid.findall(_q("rule")), start=1)
    ]
    if problems:
        raise DmnError(problems)
    table: dict[str, Any] = {"hit_policy": policy, "inputs": inputs, "rules": rules}
    reason = decision.findtext(f"{_q('extensionElements')}/{{{EXT}}}noMatchReason")
    if reason:
        table["no_match_reason"] = reason
    return table


def normal(table: Mapping[str, Any]) -> dict[str, Any]:
    """``table`` with every cell written out as operator → operand (shorthands expanded),
    to compare two tables that say the same."""
    return {
        **table,
        "rules": [
            {**row, "when": {field: cell_tests(cell) for field, cell in row["when"].items()}}
            for row in table["rules"]
        ],
    }
