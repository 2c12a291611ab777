"""What each kind of licence prints on its face, from the case's form answers.

The fields are signed with the record, so what the PDF shows is what verification
proves. 营业执照 and 食品经营许可证 follow the national formats (市场监管总局); every
other type prints the holder, its code and the item's own answers under their titles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tongban.licences.enums import HOLDER_CODE_NAMES_ZH, HolderCodeType

SKIPPED = {"applicant_name", "applicant_id_number", "phone", "email", "mailing_address"}
GENERAL_ROWS = 7
VALUE_CHARS = 300


@dataclass(frozen=True)
class Face:
    """The record's own fields that every layout prints."""

    name: str
    number: str
    holder_name: str
    holder_code: str
    holder_code_type: HolderCodeType
    issuer_name: str
    issued_on: date
    valid_until: date | None
    signer: str
    holder_code_label: str = ""  # what the code is, when not the code type's own name


def chinese(day: date | None) -> str:
    """A date as licences print it: 2025年09月22日; no date: 长期."""
    return f"{day.year}年{day.month:02d}月{day.day:02d}日" if day else "长期"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_text(v) for v in value if not isinstance(v, dict))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None or isinstance(value, dict) else str(value)[:VALUE_CHARS]


def business(face: Face, form: dict[str, Any], *, sole_trader: bool) -> list[tuple[str, str]]:
    """营业执照 of a company, or of a 个体工商户 (``sole_trader``: 经营者, 资金数额, 经营场所)."""
    sole = sole_trader
    person = form.get("applicant_name")  # a sole trader's operator: the account's own name
    capital = form.get("funding_amount" if sole else "registered_capital")
    period = form.get("operating_period", "长期")
    if face.valid_until:
        period = f"{chinese(face.issued_on)}至{chinese(face.valid_until)}"
    return [
        ("统一社会信用代码", face.number),
        ("名称", face.holder_name),
        ("类型", "个体工商户" if sole else _text(form.get("enterprise_type")) or "有限责任公司"),
        (
            "经营者" if sole else "法定代表人",
            _text(person if sole else form.get("legal_rep_name") or person),
        ),
        ("经营范围", _text(form.get("business_scope"))),
        ("资金数额" if sole else "注册资本", f"{_text(capital)}万元" if capital else "—"),
        ("成立日期" if not sole else "注册日期", chinese(face.issued_on)),
        ("营业期限", _text(period)),
        (  # a sole trader prints where it trades; a company its registered domicile
            "经营场所" if sole else "住所",
            _text(form.get("premises_address") if sole else form.get("registered_address")),
        ),
        ("登记机关", face.issuer_name),
    ]


def food(face: Face, form: dict[str, Any], domicile: str) -> list[tuple[str, str]]:
    """食品经营许可证 (食品经营许可和备案管理办法, 总局令第78号): 住所 is the operator's
    registered domicile (``domicile``: from its 营业执照 / the enterprise register),
    经营场所 the premises licensed; two different things, both printed."""
    items = _text(form.get("food_business_items"))
    if form.get("internet_sales"):
        items += "（含网络经营）"
    return [
        ("经营者名称", face.holder_name),
        ("社会信用代码（身份证号码）", face.holder_code),
        ("法定代表人（负责人）", _text(form.get("legal_rep_name") or form.get("applicant_name"))),
        ("住所", domicile),
        ("经营场所", _text(form.get("premises_address"))),
        ("主体业态", _text(form.get("food_operator_type"))),
        ("经营项目", items),
        ("许可证编号", face.number),
        ("有效期至", chinese(face.valid_until)),
        ("日常监督管理机构", face.issuer_name),
        ("投诉举报电话", "12315"),
        ("发证机关", face.issuer_name),
        ("签发人", face.signer),
    ]


def prints(name: str) -> bool:
    """Whether a licence of no layout of its own prints the form's field ``name`` (not the
    applicant's contact details, no one's ID number)."""
    return name not in SKIPPED and not name.endswith("id_number")


def printed_title(spec: dict[str, Any]) -> str:
    """A form field's title as a licence prints it: before any "(" (法定代表人(负责人)姓名
    prints 法定代表人)."""
    return str(spec.get("title", "")).split("(")[0]


def general(face: Face, form: dict[str, Any], schema: dict[str, Any]) -> list[tuple[str, str]]:
    """Any other licence: the holder, then the item's answers under their form titles."""
    rows = [
        ("持证主体", face.holder_name),
        (
            face.holder_code_label or HOLDER_CODE_NAMES_ZH[face.holder_code_type],
            face.holder_code,
        ),
    ]
    used = {"enterprise_name", "credit_code", "trade_name"}
    for name, spec in schema.get("properties", {}).items():
        if not prints(name) or name in used or name not in form:
            continue
        value = _text(form[name])
        if value and len(rows) < GENERAL_ROWS + 2:
            rows.append((printed_title(spec) or name, value))
    rows += [
        ("证照编号", face.number),
        ("有效期至", chinese(face.valid_until)),
        ("发证机关", face.issuer_name),
    ]
    return rows
