"""Proactive-benefit policies (免申即享) as catalog data: the ``policy`` of an item whose
``approval_mode`` is ``proactive``, checked here when the item is loaded.

A policy is a rule over profiles: who is searched (persons of the population register,
enterprises of the enterprise register), a list of conditions that must all hold, each
on one field of a shared source (``sources.yaml``) with an operator of a small closed
set, and how the grant is made (one-click acceptance, or with no action). No expression
is ever evaluated: ``tongban.benefits.rules`` reads the conditions as data.
"""

from __future__ import annotations

from typing import Any

from tongban.catalog.sources import FILE, SOURCE_KEYWORD
from tongban.catalog.yamlsource import Problem, SourceDocument

# Whose profiles a policy searches: the source every subject is listed in, and its key.
SUBJECT_SOURCES = {"person": "population", "enterprise": "enterprise_register"}
SUBJECT_KEYS = {"person": "resident_id", "enterprise": "credit_code"}
# Which declared field types each operator reads, and what its value must be.
OPERATOR_TYPES = {
    "age_at_least": {"date"},
    "within_months": {"date"},
    "equals": {"string", "integer", "number", "boolean", "date"},
    "one_of": {"string", "integer"},
    "at_least": {"integer", "number"},
    "at_most": {"integer", "number"},
}


def _value_problem(op: str, value: Any) -> str | None:
    if op in ("age_at_least", "within_months"):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return f"{op} 的值须为非负整数（年或月）"
    elif op == "one_of":
        if not isinstance(value, list) or not value:
            return "one_of 的值须为非空列表"
    elif op in ("at_least", "at_most") and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        return f"{op} 的值须为数字"
    return None


def _condition_problem(
    condition: dict[str, Any], key: str, sources: dict[str, dict[str, Any]]
) -> str | None:
    code, _, name = condition["field"].partition(".")
    source = sources.get(code)
    if source is None:
        return f"数据源 {code} 不在 {FILE} 中"
    declared = source["fields"].get(name)
    if declared is None:
        return f"数据源 {code}（{source['name']}）没有字段 {name}"
    if source["key"] != key:
        return f"数据源 {code} 按 {source['key']} 查询，与政策对象（按 {key}）不符"
    if declared["type"] not in OPERATOR_TYPES[condition["op"]]:
        return f"条件 {condition['op']} 不适用于 {declared['type']} 类型的字段 {code}.{name}"
    return _value_problem(condition["op"], condition["value"])


def policy_problems(
    doc: SourceDocument, sources: dict[str, dict[str, Any]] | None
) -> list[Problem]:
    """A proactive item has a policy and only it has one; the policy's subject may apply
    for the item; every condition names a declared field of a source looked up by the
    subject's key, with an operator that fits the field's type; and nothing is asked of
    the person: each required form field is pulled from a source (``x-source``) and no
    material must be submitted ("无需申请" stays true)."""
    item = doc.data
    proactive = item["approval_mode"] == "proactive"
    policy = item.get("policy")
    if proactive != (policy is not None):
        message = "免申即享事项须写明 policy" if proactive else "只有免申即享事项可写 policy"
        return [doc.problem(["policy"] if policy else ["approval_mode"], message)]
    if policy is None:
        return []
    found = []
    if policy["subject"] not in item.get("subject", ["person", "enterprise"]):
        found.append(doc.problem(["policy", "subject"], "政策对象不在事项的服务对象中"))
    key = SUBJECT_KEYS[policy["subject"]]
    for index, condition in enumerate(policy["conditions"]):
        problem = _condition_problem(condition, key, sources or {})
        if problem:
            found.append(doc.problem(["policy", "conditions", index], problem))
    properties = item["form"].get("properties", {})
    for name in item["form"].get("required", []):
        if SOURCE_KEYWORD not in properties.get(name, {}):
            message = f"免申即享事项不向申请人询问：必填字段 {name} 须取自共享数据（x-source）"
            found.append(doc.problem(["form", "properties", name], message))
    stages = [step["stage"] for step in item["process"]["stages"]]
    if "review" in stages:
        message = "免申即享事项按政策直接核定，办理环节不能有 review（审查）"
        found.append(doc.problem(["process", "stages"], message))
    for index, material in enumerate(item["materials"]):
        if material["required"] and material.get("ways", ["upload"]) == ["upload"]:
            message = "免申即享事项不要求提交材料"
            found.append(doc.problem(["materials", index], message))
    return found
