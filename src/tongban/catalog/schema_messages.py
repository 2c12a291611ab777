"""What a catalog file breaks in its schema, said to the catalog administrator in Chinese:
the field (with its name in the guide where the catalog has one) and what to change
(:mod:`tongban.schema_words`), never jsonschema's English."""

from __future__ import annotations

from jsonschema.exceptions import ValidationError

from tongban import schema_words

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
    "synonyms_en": "英文同义说法",
    "finder": "找事引导",
    "featured": "热门事项",
    "faq": "常见问题",
    "decision": "决定规则",
    "public_notice": "公示",
    "inspection": "现场踏勘",
    "matters": "非本平台办理事项",
}


def message_of(error: ValidationError) -> str:
    """The Chinese message of one schema error of a catalog file: the field, then what to fix."""
    return schema_words.message_of(error, FIELD_NAMES)
