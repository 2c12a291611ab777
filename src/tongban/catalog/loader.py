"""Read and check the catalog folder: departments, items and bundles as YAML.

Checking is pure (no database): :func:`read_catalog` returns the definitions that
would be loaded and every problem found, each with file, line and field.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError

from tongban import money
from tongban.catalog import guides, situations, ways
from tongban.catalog.definitions import merge_forms, merge_materials
from tongban.catalog.english import english_problems
from tongban.catalog.halls import FILE as HALLS_FILE
from tongban.catalog.halls import hall_problems
from tongban.catalog.policies import policy_problems
from tongban.catalog.sources import FILE as SOURCES_FILE
from tongban.catalog.sources import item_source_problems, source_problems
from tongban.catalog.yamlsource import Problem, SourceDocument
from tongban.forms.dates import schema_problems as date_bound_problems
from tongban.rules import service as rules

PROMISED_SHARE_WARNING = 0.3  # reform target: promised limit at most 30 % of the legal one


@cache
def validator(name: str) -> Draft202012Validator:
    text = resources.files("tongban.catalog").joinpath(f"schema/{name}.schema.json").read_text()
    return Draft202012Validator(json.loads(text))


@dataclass
class CatalogRead:
    departments: list[dict[str, Any]] = field(default_factory=list)
    division: str = ""
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    bundles: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    halls: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [problem for problem in self.problems if not problem.warning]


def _syntax_problem(name: str, error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark else 1
    return Problem(name, line, "", f"YAML 语法错误: {error}")


def _parse(path: Path, root: Path, read: CatalogRead) -> SourceDocument | None:
    name = str(path.relative_to(root))
    try:
        return SourceDocument(path.read_text(encoding="utf-8"), name)
    except yaml.YAMLError as error:
        read.problems.append(_syntax_problem(name, error))
    except UnicodeDecodeError:
        read.problems.append(Problem(name, 1, "", "文件不是 UTF-8 编码"))
    return None


def _schema_problems(doc: SourceDocument, schema: str) -> list[Problem]:
    found = []
    for error in validator(schema).iter_errors(doc.data):
        found.append(doc.problem(list(error.absolute_path), error.message))
    for path in _non_finite(doc.data):
        found.append(doc.problem(path, "数值必须是有限的数字，不能是 .nan 或 .inf"))
    return found


def _non_finite(value: Any, path: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    """Where YAML's .nan or .inf stand: a stored version is JSON, which has neither."""
    if isinstance(value, float) and not math.isfinite(value):
        return [path]
    if isinstance(value, dict):
        return [p for key, inner in value.items() for p in _non_finite(inner, (*path, key))]
    if isinstance(value, list):
        return [p for i, inner in enumerate(value) for p in _non_finite(inner, (*path, i))]
    return []


STAGE_ORDER = ("accept", "review", "decide", "issue", "deliver")  # 受理 审查 核准 制证 送达


def _stage_order_problems(doc: SourceDocument) -> list[Problem]:
    """A case runs exactly the listed stages, so they must read as it runs them: 受理 first,
    each stage once, in process order."""
    listed = [entry["stage"] for entry in doc.data["process"]["stages"]]
    if listed and listed[0] == "accept" and listed == sorted(set(listed), key=STAGE_ORDER.index):
        return []
    order = " → ".join(stage for stage in STAGE_ORDER)
    message = f"办理环节须以 accept（受理）开始，每个环节只列一次，按 {order} 的顺序"
    return [doc.problem(["process", "stages"], message)]


def _check_item(
    doc: SourceDocument,
    departments: set[str],
    sources: dict[str, dict[str, Any]] | None = None,
) -> list[Problem]:
    item = doc.data
    found = item_source_problems(doc, sources) + policy_problems(doc, sources)
    if item["department"] not in departments:
        found.append(doc.problem(["department"], f"未知部门代码 {item['department']}"))
    for index, stage in enumerate(item["process"]["stages"]):
        for dept in stage.get("departments", []):
            if dept not in departments:
                found.append(
                    doc.problem(["process", "stages", index, "departments"], f"未知部门代码 {dept}")
                )
    found += _stage_order_problems(doc)
    for path, message in date_bound_problems(item["form"]):
        found.append(doc.problem(["form", *path], message))
    found += _once_problems(doc, sources)
    found += english_problems(doc)
    try:
        Draft202012Validator.check_schema(item["form"])
    except SchemaError as error:
        found.append(
            doc.problem(
                ["form", *error.absolute_path], f"表单不是有效的 JSON Schema: {error.message}"
            )
        )
    limit = item["time_limit"]
    if limit["promised"] > limit["legal"]:
        found.append(doc.problem(["time_limit", "promised"], "承诺时限不能超过法定时限"))
    elif limit["legal"] and limit["promised"] > PROMISED_SHARE_WARNING * limit["legal"]:
        share = round(100 * limit["promised"] / limit["legal"])
        message = f"承诺时限为法定时限的 {share}%，超过 30% 的压缩目标"
        found.append(doc.problem(["time_limit", "promised"], message, warning=True))
    found += _fee_problems(doc)
    found += _decision_problems(doc, sources)
    for index, material in enumerate(item["materials"]):
        found += ways.material_problems(doc, index, material, departments)
    codes = [material["code"] for material in item["materials"]]
    for index, code in enumerate(codes):
        if codes.index(code) != index:
            found.append(doc.problem(["materials", index, "code"], f"材料代码 {code} 重复"))
    found += situations.problems(
        doc,
        materials=set(codes),
        fields=set(item["form"].get("properties", {})),
        locked_fields=_locked_fields(item),
    )
    return found + guides.problems(doc, materials=set(codes))


def _locked_fields(item: dict[str, Any]) -> set[str]:
    """Form fields a situation may not leave out: fees count or exempt by them, facts
    used once are keyed by them."""
    locked = {fee["per"] for fee in item["fees"] if fee.get("per")}
    locked |= {rule["field"] for fee in item["fees"] for rule in fee.get("exempt", [])}
    return locked | {name for once in item.get("once") or [] for name in once["fields"]}


INSTANT_STAGES = ("accept", "decide", "issue", "deliver")


def _once_problems(doc: SourceDocument, sources: dict[str, dict[str, Any]] | None) -> list[Problem]:
    """A fact used once is keyed by fields of the item's form, and checked against a
    declared source field."""
    found = []
    properties = doc.data["form"].get("properties", {})
    for index, once in enumerate(doc.data.get("once") or []):
        for name in once["fields"]:
            if name not in properties:
                message = f"一次性使用的事实 {once['fact']} 的字段 {name} 不在表单中"
                found.append(doc.problem(["once", index, "fields"], message))
        code, _, field = str(once.get("source", "")).partition(".")
        if once.get("source") and field not in (sources or {}).get(code, {}).get("fields", {}):
            message = f"一次性使用的事实 {once['fact']} 的数据源字段 {once['source']} 未声明"
            found.append(doc.problem(["once", index, "source"], message))
        elif once.get("source") and field != "name":  # the field the records index
            message = f"一次性使用的事实 {once['fact']} 只能对照数据源的名称字段（name）"
            found.append(doc.problem(["once", index, "source"], message))
    return found


def _decision_problems(
    doc: SourceDocument, sources: dict[str, dict[str, Any]] | None
) -> list[Problem]:
    """An instant item (秒批) is decided by its decision table, with no person between
    acceptance and the decision: it needs a table, a 核准 stage the rules stand for and
    no 审查 stage. A table on another item is checked too (it can be dry-run before the
    item goes instant)."""
    item = doc.data
    table = item.get("decision")
    found = []
    if item["approval_mode"] == "instant":
        stages = [entry["stage"] for entry in item["process"]["stages"]]
        if table is None:
            message = "秒批事项须写明规则表（decision），由规则作出决定"
            found.append(doc.problem(["approval_mode"], message))
        if "decide" not in stages or any(stage not in INSTANT_STAGES for stage in stages):
            message = "秒批事项的办理环节须含 decide（核准，由规则作出），不设 review（审查）"
            found.append(doc.problem(["process", "stages"], message))
        for index, material in enumerate(item["materials"]):
            if "verified" in material.get("ways", []):
                message = "秒批事项的材料不能经部门协查（verified）取得：协查要等另一部门答复"
                found.append(doc.problem(["materials", index, "ways"], message))
    if table is not None:
        for path, message in rules.table_problems(table, form=item["form"], sources=sources or {}):
            found.append(doc.problem(["decision", *path], f"规则表：{message}"))
    return found


def _fee_problems(doc: SourceDocument) -> list[Problem]:
    """Fees are money: read from the text as written (not through a float), in yuan, to
    the fen; YAML's .nan and .inf, which pass a JSON Schema ``minimum``, are refused."""
    found = []
    for index, _fee in enumerate(doc.data["fees"]):
        path: list[str | int] = ["fees", index, "amount"]
        problem = money.amount_problem(doc.text_of(path) or "")
        if problem:
            found.append(doc.problem(path, problem))
    return found + _fee_rule_problems(doc)


def _fee_rule_problems(doc: SourceDocument) -> list[Problem]:
    """Fee rules name form fields (a count for ``per``, any field for ``exempt``); online
    payment needs a fee to pay and, paid before issue, a 制证 stage that waits for it."""
    item, found = doc.data, []
    fields = item["form"].get("properties", {})
    for index, fee in enumerate(item["fees"]):
        per = fee.get("per")
        if per is not None and fields.get(per, {}).get("type") != "integer":
            message = f"计件收费的 per 须是表单中的整数字段，“{per}”不是"
            found.append(doc.problem(["fees", index, "per"], message))
        for rule_index, rule in enumerate(fee.get("exempt", [])):
            if rule["field"] not in fields:
                message = f"减免条件的字段“{rule['field']}”不在表单中"
                found.append(doc.problem(["fees", index, "exempt", rule_index, "field"], message))
    payment = item.get("payment")
    if payment is not None:
        if all(money.amount_of(fee["amount"]) == 0 for fee in item["fees"]):
            found.append(doc.problem(["payment"], "不收费的事项不能设置网上缴费（payment）"))
        stages = [entry["stage"] for entry in item["process"]["stages"]]
        if payment["when"] == "before_acceptance" and item["approval_mode"] == "instant":
            message = "秒批事项在受理时即作出决定，不能设置受理前缴费；请改为制证前缴费"
            found.append(doc.problem(["payment", "when"], message))
        if payment["when"] == "before_issue" and "issue" not in stages:
            message = "制证前缴费（before_issue）须有制证（issue）环节等待缴费"
            found.append(doc.problem(["payment", "when"], message))
    return found


def _check_text(
    text: str, code: str, schema: str, check: Callable[[SourceDocument], list[Problem]]
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The YAML of entry ``code`` checked as the loader checks its file; None if it has errors."""
    name = f"{code}.yaml"
    try:
        doc = SourceDocument(text, name)
    except yaml.YAMLError as error:
        return None, [_syntax_problem(name, error)]
    found = _schema_problems(doc, schema) or check(doc)
    if all(problem.warning for problem in found) and doc.data["code"] != code:
        found.append(doc.problem(["code"], f"代码须为 {code}，不能修改"))
    if any(not problem.warning for problem in found):
        return None, found
    return doc.data, found


def check_item_text(
    text: str,
    code: str,
    departments: set[str],
    sources: dict[str, dict[str, Any]] | None = None,
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The YAML of item ``code`` checked as the loader checks a file (its ``x-source`` and
    ``shared_source`` against ``sources``); None if it has errors."""
    return _check_text(text, code, "item", lambda doc: _check_item(doc, departments, sources))


def check_bundle_text(
    text: str, code: str, departments: set[str], items: Mapping[str, dict[str, Any]]
) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The YAML of bundle ``code`` checked as the loader checks a file against ``items``."""
    return _check_text(text, code, "bundle", lambda doc: _check_bundle(doc, departments, items))


def _check_bundle(
    doc: SourceDocument, departments: set[str], items: Mapping[str, dict[str, Any]]
) -> list[Problem]:
    """Problems of a schema-valid bundle whose items are looked up in ``items``."""
    bundle = doc.data
    found = english_problems(doc)
    lead = bundle["lead_department"]
    if lead not in departments:
        found.append(doc.problem(["lead_department"], f"未知部门代码 {lead}"))
    missing = [code for code in bundle["items"] if code not in items]
    for code in missing:
        index = bundle["items"].index(code)
        found.append(doc.problem(["items", index], f"事项 {code} 不存在、未发布或有错误"))
    if missing:
        return found
    listed = [items[code] for code in bundle["items"]]
    for index, item in enumerate(listed):
        if item["approval_mode"] == "proactive":
            message = f"事项 {item['code']} 为免申即享，无需申请，不能编入一件事"
            found.append(doc.problem(["items", index], message))
    if bundle.get("approval_mode") == "instant":
        for item in listed:
            if "decision" not in item:
                message = f"秒批的一件事须每个事项都有规则表，事项 {item['code']} 没有"
                found.append(doc.problem(["approval_mode"], message))
    conflicts = merge_forms(listed)[1] + merge_materials(listed)[1]
    for conflict in conflicts:
        found.append(doc.problem(["items"], f"“一表申请”无法合并: {conflict}"))
    found += situations.problems(
        doc,
        materials={m["code"] for item in listed for m in item["materials"]},
        fields={name for item in listed for name in item["form"].get("properties", {})},
        items=list(bundle["items"]),
        locked_fields=set().union(*(_locked_fields(item) for item in listed)),
    )
    return found + guides.problems(
        doc, materials={m["code"] for item in listed for m in item["materials"]}
    )


def read_catalog(root: Path) -> CatalogRead:
    """Parse and check every file below ``root``; nothing is written anywhere."""
    read = CatalogRead()
    dept_doc = (
        _parse(root / "departments.yaml", root, read)
        if (root / "departments.yaml").exists()
        else None
    )
    if dept_doc is None:
        read.problems.append(Problem("departments.yaml", 1, "", "缺少部门清单 departments.yaml"))
        return read
    read.problems += _schema_problems(dept_doc, "departments")
    if read.problems:
        return read
    read.division = dept_doc.data["division"]
    read.departments = dept_doc.data["departments"]
    departments = {dept["code"] for dept in read.departments}
    _read_sources(root, read, departments)
    _read_halls(root, read, departments)
    for path in sorted((root / "items").glob("*.yaml")):
        doc = _parse(path, root, read)
        if doc is None:
            continue
        found = _schema_problems(doc, "item") or _check_item(doc, departments, read.sources)
        read.problems += found
        if any(not problem.warning for problem in found):
            continue
        if path.stem != doc.data["code"] or doc.data["code"] in read.items:
            read.problems.append(
                doc.problem(["code"], f"文件名须为 {doc.data['code']}.yaml 且代码唯一")
            )
            continue
        read.items[doc.data["code"]] = doc.data
    for path in sorted((root / "bundles").glob("*.yaml")):
        doc = _parse(path, root, read)
        if doc is None:
            continue
        found = _schema_problems(doc, "bundle") or _check_bundle(doc, departments, read.items)
        read.problems += found
        if not found:
            read.bundles[doc.data["code"]] = doc.data
    return read


def _read_sources(root: Path, read: CatalogRead, departments: set[str]) -> None:
    """``sources.yaml``, the shared data-source registry, into ``read.sources``."""
    path = root / SOURCES_FILE
    if not path.exists():
        return
    doc = _parse(path, root, read)
    if doc is None:
        return
    found = _schema_problems(doc, "sources") or source_problems(doc, departments)
    read.problems += found
    if not found:
        read.sources = {source["code"]: source for source in doc.data["sources"]}


def _read_halls(root: Path, read: CatalogRead, departments: set[str]) -> None:
    """``halls.yaml``, the service halls and their windows, into ``read.halls``."""
    path = root / HALLS_FILE
    if not path.exists():
        return
    doc = _parse(path, root, read)
    if doc is None:
        return
    found = _schema_problems(doc, "halls") or hall_problems(doc, departments)
    read.problems += found
    if not found:
        read.halls = {hall["code"]: hall for hall in doc.data["halls"]}
