"""The shared data-source registry (共享数据源目录) as catalog data: ``sources.yaml``.

Each source is owned by a department and declares the key it is looked up by and its
fields with their types. Items refer to it in two places, both checked here: a form
property's ``x-source: <source>.<field>`` (the field is pulled, not asked; a list of them
when several sources hold it, first found first: a company being founded has its name in
the name reservation record, a registered one in the enterprise register) and a
material's ``shared_source`` (the material can be satisfied from the source).
"""

from __future__ import annotations

import re
from typing import Any

from tongban.catalog.yamlsource import Problem, SourceDocument

SOURCE_KEYWORD = "x-source"
IDENTITY_KEYS = ("resident_id", "credit_code")  # keys that name a person or an enterprise
FILE = "sources.yaml"
_HAN = re.compile(r"[\u3400-\u9fff]")
LIST_MARK = "、"  # how a source joins the items of a list in one value (养老保险、医疗保险)
# which JSON Schema types of a form property can hold a source field's value
COMPATIBLE = {
    "string": {"string"},
    "date": {"string"},
    "integer": {"integer", "number"},
    "number": {"number"},
    "boolean": {"boolean"},
}


def _parse(ref: Any) -> tuple[str, str] | None:
    if not isinstance(ref, str) or "." not in ref:
        return None
    source, _, field = ref.partition(".")
    return source, field


def source_refs(prop: dict[str, Any]) -> list[tuple[str, str]]:
    """(source code, field) of each source a form property is pulled from, in order of
    preference; empty when it is asked (on the collection list)."""
    ref = prop.get(SOURCE_KEYWORD)
    found = [_parse(one) for one in (ref if isinstance(ref, list) else [ref])]
    return [pair for pair in found if pair is not None]


def source_ref(prop: dict[str, Any]) -> tuple[str, str] | None:
    """The first (source code, field) a form property is pulled from, or None."""
    refs = source_refs(prop)
    return refs[0] if refs else None


def key_fields(source: dict[str, Any], material: dict[str, Any] | None = None) -> list[str]:
    """The form fields (``field`` or ``rows[].field``) whose answers are the keys of the
    records of ``source`` a material (or a form's shared fields: ``material`` None) needs:
    the material's ``shared_keys``, else the source's ``key_field`` (a birth is held under
    the mother's resident ID, whoever applies); empty: the applicant's own record."""
    named = (material or {}).get("shared_keys")
    if named:
        return [str(key) for key in named]
    field = source.get("key_field")
    return [str(field)] if field else []


def subject_fields(source: dict[str, Any]) -> list[str]:
    """The fields of ``source``'s records naming whose data a record is (``subject_field``:
    one, or one per party: a contract filing's buyer and seller); empty when it names none."""
    named = source.get("subject_field")
    if isinstance(named, list):
        return [str(field) for field in named]
    return [str(named)] if named else []


def value_en(declared: dict[str, Any], value: Any) -> Any:
    """A source field's value in English: the label ``enum_en`` gives it where the field
    declares its closed set of values (性别 男 → Male), or ``terms_en`` where it names an
    open list's values that have English (GB/T 4754 餐饮业 → Catering Services), a list the
    source joins with 、 (参保险种) one by one when each has English, else the value as the
    source holds it (a name, an address, a number)."""
    labels = {
        chinese: english
        for values in ("enum", "terms")
        for chinese, english in zip(
            declared.get(values, []), declared.get(f"{values}_en", []), strict=False
        )
    }
    if not isinstance(value, str) or value in labels:
        return labels.get(value, value)
    listed = value.split(LIST_MARK)
    if len(listed) > 1 and all(one in labels for one in listed):
        return ", ".join(labels[one] for one in listed)
    return value


def held_note(source: dict[str, Any], declared: dict[str, Any], value: Any) -> str | None:
    """What English pages say beside ``value`` of ``source``'s field ``declared`` when it
    stays Chinese in English: the field declares no closed list (a name, an address, a
    business scope: free text the register holds, shown as held), "as held in the
    Population register"; None when the value reads in English (:func:`value_en`)."""
    english = value_en(declared, value)
    if not isinstance(english, str) or not _HAN.search(english):
        return None
    return f"as held in the {source.get('name_en') or source['code']}"


def source_problems(doc: SourceDocument, departments: set[str]) -> list[Problem]:
    """Problems of a schema-valid ``sources.yaml`` beyond its schema: an unknown
    department, a code twice, and a source looked up by another number (a project code)
    that does not say whose its records are (``subject_field``)."""
    found = []
    codes: list[str] = []
    for index, source in enumerate(doc.data["sources"]):
        if source["department"] not in departments:
            message = f"未知部门代码 {source['department']}"
            found.append(doc.problem(["sources", index, "department"], message))
        owners = subject_fields(source)
        for owner in owners:
            if owner not in source["fields"]:
                message = f"subject_field {owner} 不是数据源 {source['code']} 的字段"
                found.append(doc.problem(["sources", index, "subject_field"], message))
        if not owners and source["key"] not in IDENTITY_KEYS:
            message = (
                f"数据源 {source['code']} 按 {source['key']} 查询，须以 subject_field 写明记录"
                "属于谁（其公民身份号码或统一社会信用代码所在的字段），调取才能记在数据主体名下"
            )
            found.append(doc.problem(["sources", index, "key"], message))
        if source["code"] in codes:
            found.append(doc.problem(["sources", index, "code"], f"数据源 {source['code']} 重复"))
        codes.append(source["code"])
    return found


def _ref_problem(prop: dict[str, Any], sources: dict[str, dict[str, Any]]) -> str | None:
    ref = prop.get(SOURCE_KEYWORD)
    refs = ref if isinstance(ref, list) and ref else [ref]
    for one in refs:
        message = _one_ref_problem(prop, one, sources)
        if message:
            return message
    return None


def _one_ref_problem(
    prop: dict[str, Any], ref: Any, sources: dict[str, dict[str, Any]]
) -> str | None:
    parsed = _parse(ref)
    if parsed is None:
        return f"x-source 须写成“数据源.字段”（或它们的列表），现为 {ref!r}"
    code, name = parsed
    source = sources.get(code)
    if source is None:
        return f"数据源 {code} 不在 {FILE} 中"
    declared = source["fields"].get(name)
    if declared is None:
        return f"数据源 {code}（{source['name']}）没有字段 {name}"
    kind = prop.get("type")
    if isinstance(kind, str) and kind not in COMPATIBLE[declared["type"]]:
        return f"字段类型 {kind} 与数据源字段 {code}.{name} 的类型 {declared['type']} 不符"
    return None


def item_source_problems(
    doc: SourceDocument, sources: dict[str, dict[str, Any]] | None
) -> list[Problem]:
    """Each ``x-source`` of the form and each material's ``shared_source`` must name a
    declared source (and field); ``sources`` None means the check cannot run (no file)."""
    item = doc.data
    found = []
    for name, prop in item["form"].get("properties", {}).items():
        if isinstance(prop, dict) and SOURCE_KEYWORD in prop:
            message = _ref_problem(prop, sources or {})
            if message:
                found.append(doc.problem(["form", "properties", name, SOURCE_KEYWORD], message))
        for code, _field in source_refs(prop) if isinstance(prop, dict) else []:
            message = _key_field_problem(item["form"], (sources or {}).get(code), None)
            if message:
                found.append(doc.problem(["form", "properties", name, SOURCE_KEYWORD], message))
    for index, material in enumerate(item["materials"]):
        code = material.get("shared_source")
        if code is not None and code not in (sources or {}):
            message = f"共享数据源 {code} 不在 {FILE} 中"
            found.append(doc.problem(["materials", index, "shared_source"], message))
        message = _credit_code_source_problem(material, sources or {})
        if message:
            found.append(doc.problem(["materials", index, "credit_code_source"], message))
        for position, key in enumerate(material.get("shared_keys", [])):
            if not _form_has(item["form"], key):
                message = f"表单中没有字段 {key}，无法按它查询共享数据"
                found.append(doc.problem(["materials", index, "shared_keys", position], message))
        message = _key_field_problem(item["form"], (sources or {}).get(str(code)), material)
        if message:
            found.append(doc.problem(["materials", index, "shared_source"], message))
    return found


def _credit_code_source_problem(
    material: dict[str, Any], sources: dict[str, dict[str, Any]]
) -> str | None:
    """A material's ``credit_code_source`` must be a declared source keyed by credit code."""
    code = material.get("credit_code_source")
    if code is None:
        return None
    source = sources.get(str(code))
    if source is None:
        return f"共享数据源 {code} 不在 {FILE} 中"
    if source["key"] != "credit_code":
        return f"数据源 {code} 不按统一社会信用代码查询，不能用来查询企业股东"
    return None


def _key_field_problem(
    form: dict[str, Any], source: dict[str, Any] | None, material: dict[str, Any] | None
) -> str | None:
    """A source whose records are someone else's than the applicant's (``key_field``) can
    only be asked by a form that holds that someone's number; a material pulled from a
    source looked up by another number (a project code, a contract filing's number: the
    form field of its key's name) only by a form that asks it, else every lookup fails
    and the material is always uploaded. (A form field may name such a source after a
    first one: a bundle's other item asks the number.)"""
    if source is None or (material or {}).get("shared_keys"):
        return None
    by_number = material is not None and source["key"] not in IDENTITY_KEYS
    field = source.get("key_field") or (str(source["key"]) if by_number else None)
    if not field or _form_has(form, str(field)):
        return None
    return (
        f"数据源 {source['code']} 按表单字段 {field} 查询，表单中没有该字段"
        "（或在材料的 shared_keys 中写明按哪个字段查询）"
    )


def _form_has(form: dict[str, Any], key: str) -> bool:
    """Whether ``key`` (field, or rows[].field) names a field of the form."""
    name, _, sub = key.partition("[].")
    prop = form.get("properties", {}).get(name)
    if not isinstance(prop, dict) or not sub:
        return isinstance(prop, dict)
    return sub in prop.get("items", {}).get("properties", {})
