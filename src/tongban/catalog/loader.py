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

from tongban import schema_words
from tongban.catalog import (
    guides,
    locality,
    order,
    process_rules,
    quality,
    schema_messages,
    situations,
    ways,
)
from tongban.catalog.definitions import comparable, merge_forms, merge_materials
from tongban.catalog.elsewhere import FILE as ELSEWHERE_FILE
from tongban.catalog.elsewhere import matter_problems
from tongban.catalog.english import english_problems
from tongban.catalog.halls import FILE as HALLS_FILE
from tongban.catalog.halls import hall_problems
from tongban.catalog.policies import policy_problems
from tongban.catalog.sources import FILE as SOURCES_FILE
from tongban.catalog.sources import item_source_problems, source_problems
from tongban.catalog.yamlsource import Problem, SourceDocument
from tongban.forms.dates import schema_problems as date_bound_problems
from tongban.identifiers.divisions import is_known_division


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
    elsewhere: dict[str, Any] | None = None  # elsewhere.yaml, when the folder has one
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
        found.append(doc.problem(list(error.absolute_path), schema_messages.message_of(error)))
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
    found += process_rules.stage_order_problems(doc)
    found += locality.problems(doc, departments)
    for path, message in date_bound_problems(item["form"]):
        found.append(doc.problem(["form", *path], message))
    found += process_rules.once_problems(doc, sources)
    found += process_rules.deficiency_problems(doc)
    found += process_rules.post_check_problems(doc)
    found += process_rules.inspection_pause_problems(doc)
    found += english_problems(doc)
    try:
        Draft202012Validator.check_schema(item["form"])
    except SchemaError as error:
        found.append(
            doc.problem(
                ["form", *error.absolute_path],
                f"表单不是有效的 JSON Schema：{schema_words.what_to_fix(error)}",
            )
        )
    _, promised, legal = comparable(item["time_limit"])
    if promised > legal:
        found.append(doc.problem(["time_limit", "promised"], "承诺时限不能超过法定时限"))
    found += process_rules.legal_unit_problems(doc)
    found += process_rules.fee_problems(doc)
    found += process_rules.decision_problems(doc, sources)
    found += process_rules.issuer_problems(doc)
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
        locked_fields=process_rules.locked_fields(item),
    )
    found += guides.problems(doc, materials=set(codes))
    return found + quality.problems(doc, sources)


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


def check_elsewhere_text(text: str) -> tuple[dict[str, Any] | None, list[Problem]]:
    """An edited ``elsewhere.yaml`` checked as the loader checks the file; None if it has
    errors."""
    try:
        doc = SourceDocument(text, ELSEWHERE_FILE)
    except yaml.YAMLError as error:
        return None, [_syntax_problem(ELSEWHERE_FILE, error)]
    found = _schema_problems(doc, "elsewhere") or matter_problems(doc)
    return (None if found else doc.data), found


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
    found += order.problems(doc, items=list(bundle["items"]))
    conflicts = merge_forms(listed)[1] + merge_materials(listed)[1]
    for conflict in conflicts:
        found.append(doc.problem(["items"], f"“一表申请”无法合并: {conflict}"))
    found += situations.problems(
        doc,
        materials={m["code"] for item in listed for m in item["materials"]},
        fields={name for item in listed for name in item["form"].get("properties", {})},
        items=list(bundle["items"]),
        locked_fields=set().union(*(process_rules.locked_fields(item) for item in listed)),
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
    read.departments = [
        {"division": read.division, **dept} for dept in dept_doc.data["departments"]
    ]
    read.problems += _division_problems(dept_doc) + english_problems(dept_doc)
    if read.problems:
        return read
    departments = {dept["code"] for dept in read.departments}
    _read_sources(root, read, departments)
    _read_halls(root, read, departments)
    _read_elsewhere(root, read)
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


def _division_problems(doc: SourceDocument) -> list[Problem]:
    """The government's and each department's GB/T 2260 code must be a current one: a
    department's division decides whose supervisors oversee it and which cases are handled
    across regions (跨域通办)."""
    found = []
    if not is_known_division(doc.data["division"]):
        found.append(doc.problem(["division"], f"未知的行政区划代码 {doc.data['division']}"))
    for index, dept in enumerate(doc.data["departments"]):
        code = dept.get("division")
        if code is not None and not is_known_division(code):
            found.append(
                doc.problem(["departments", index, "division"], f"未知的行政区划代码 {code}")
            )
    return found


def _read_sources(root: Path, read: CatalogRead, departments: set[str]) -> None:
    """``sources.yaml``, the shared data-source registry, into ``read.sources``."""
    path = root / SOURCES_FILE
    if not path.exists():
        return
    doc = _parse(path, root, read)
    if doc is None:
        return
    found = _schema_problems(doc, "sources") or (
        source_problems(doc, departments) + english_problems(doc)
    )
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


def _read_elsewhere(root: Path, read: CatalogRead) -> None:
    """``elsewhere.yaml``, the matters handled elsewhere, into ``read.elsewhere``."""
    path = root / ELSEWHERE_FILE
    if not path.exists():
        return
    data, found = check_elsewhere_text(path.read_text(encoding="utf-8"))
    read.problems += found
    read.elsewhere = data
