"""What a catalog file breaks in its schema, said to the catalog administrator in Chinese:
the field (with its name in the guide where the catalog has one) and what to change,
never jsonschema's English ("['a', 'a'] has non-unique elements")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from jsonschema.exceptions import SchemaError, ValidationError, best_match

from tongban.forms.reasons import reason_of

# The Chinese names of the top-level fields of an item or bundle file, as a guide names them.
FIELD_NAMES = {
    "code": "事项编码",
    "name": "名称",
    "name_en": "英文名称",
    "department": "实施部门",
    "lead_department": "牵头部门",
    "kind": "事项类型",
    "subject": "服务对象",
    "theme": "主题",
    "keywords": "关键词",
    "summary": "简介",
    "legal_basis": "设定依据",
    "conditions": "申请条件",
    "time_limit": "办结时限",
    "fees": "收费",
    "payment": "缴费",
    "materials": "申请材料",
    "form": "表单",
    "process": "办理流程",
    "approval_mode": "审批方式",
    "items": "包含的事项",
    "result": "办理结果",
    "window": "办理地点",
    "phone": "咨询电话",
    "situations": "情形引导",
    "synonyms": "同义说法",
    "finder": "找事引导",
    "faq": "常见问题",
    "decision": "决定规则",
    "public_notice": "公示",
    "inspection": "现场踏勘",
    "matters": "非本平台办理事项",
}
_TYPES = {
    "string": "文字",
    "array": "列表（每项一行，以“- ”开头）",
    "object": "键值对象（“名称: 值”）",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false",
    "null": "空",
}


def field_label(path: Sequence[str | int]) -> str:
    """``path`` as the administrator finds it in the file, led by the field's Chinese name:
    "同义说法（synonyms.3）"."""
    where = ".".join(str(part) for part in path)
    name = FIELD_NAMES.get(str(path[0])) if path else None
    return f"{name}（{where}）" if name else where or "文件"


def message_of(error: ValidationError) -> str:
    """The Chinese message of one schema error: the field, then what to fix."""
    return f"{field_label(list(error.absolute_path))}：{what_to_fix(error)}"


def _names(values: Any) -> str:
    return "、".join(str(value) for value in values)


def _repeated(values: list[Any]) -> Any:
    """The first value of ``values`` seen a second time."""
    seen: list[Any] = []
    for value in values:
        if value in seen:
            return value
        seen.append(value)
    return None


def what_to_fix(error: ValidationError | SchemaError) -> str:
    """What to change so that the value meets the keyword it breaks, in Chinese."""
    kind, instance, wanted = str(error.validator), error.instance, error.validator_value
    if kind == "required" and isinstance(instance, dict) and isinstance(wanted, list):
        return f"缺少必填字段 {_names(name for name in wanted if name not in instance)}"
    if kind == "enum" and isinstance(wanted, list):
        return f"“{instance}”不是可选的值，应为以下之一：{_names(wanted)}"
    if kind == "additionalProperties" and isinstance(instance, dict):
        known = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        extra = [name for name in instance if name not in known]
        return f"不认识的字段 {_names(extra)}：请检查拼写，或删去它"
    if kind == "uniqueItems" and isinstance(instance, list):
        return f"“{_repeated(instance)}”出现了不止一次，请删去重复的一项"
    if kind == "type":
        kinds = wanted if isinstance(wanted, list) else [wanted]
        return "应填写" + "或".join(_TYPES.get(str(each), str(each)) for each in kinds)
    if kind == "const":
        return f"应为 {wanted}"
    if kind == "pattern":
        return f"格式不正确，应符合正则表达式 {wanted}"
    if kind in ("oneOf", "anyOf"):
        closest = best_match(error.context) if isinstance(error.context, list) else None
        return what_to_fix(closest) if closest is not None else "不符合任何一种允许的写法"
    return reason_of(cast(ValidationError, error))[0]  # the same attributes
