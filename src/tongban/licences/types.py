"""The licence types of the demo catalog: type code (证照类型代码), face layout, and the
codes of the issuing departments.

A GB/T 36904 type code is the defining authority's unified social credit code followed
by a 3-digit number. Only 住房和城乡建设部's code (11100000000013338W) is known from
published identifiers; the other defining authorities get a demo code built with
:func:`make_credit_code` on the national division 100000 (body ``DEM…``), and so do the
issuing departments of the demo catalog (division of the catalog, body from the
department code). A deployment replaces these with the codes of its register.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Literal

from tongban.catalog import licence_types
from tongban.identifiers.credit import ALPHABET, make_credit_code

Layout = Literal["business", "food", "general"]
MOHURD = "11100000000013338W"  # 住房和城乡建设部


@dataclass(frozen=True)
class LicenceType:
    """One kind of licence: its name, GB/T 36904 type code and face layout."""

    name: str
    type_code: str
    layout: Layout = "general"


def _demo_authority(number: int) -> str:
    return make_credit_code("100000", f"DEM{number:05d}", authority="1", entity="1")


# name: (defining authority, number of the type, layout)
_TYPES: dict[str, tuple[str | int, int, Layout]] = {
    "营业执照": (1, 1, "business"),  # 国家市场监督管理总局
    "食品经营许可证": (1, 2, "food"),
    "食品生产许可证": (1, 3, "general"),
    "药品经营许可证": (2, 1, "general"),  # 国家药品监督管理局
    "居民身份证": (3, 1, "general"),  # 公安部
    "福建省居住证": (3, 2, "general"),
    "不动产权证书": (4, 1, "general"),  # 自然资源部
    "建设工程规划许可证": (4, 2, "general"),
    "建筑工程施工许可证": (MOHURD, 5, "general"),
    "建筑垃圾运输处置备案凭证": (MOHURD, 6, "general"),  # 城市建筑垃圾管理规定
    "护士执业证书": (5, 1, "general"),  # 国家卫生健康委员会
    "医师执业证书": (5, 2, "general"),
    "公共场所卫生许可证": (5, 3, "general"),
    "放射工作人员证": (5, 4, "general"),
    "出生医学证明": (5, 5, "general"),
    "排污许可证": (6, 1, "general"),  # 生态环境部
    "道路运输经营许可证": (7, 1, "general"),  # 交通运输部
    "出租汽车驾驶员从业资格证": (7, 2, "general"),
    "就业创业证": (8, 1, "general"),  # 人力资源和社会保障部
    "社会保障卡": (8, 2, "general"),
    "清税证明": (9, 1, "general"),  # 国家税务总局
    "居民户口簿": (3, 3, "general"),  # 公安部
    "机动车驾驶证": (3, 4, "general"),
    "机动车行驶证": (3, 5, "general"),
    "医师资格证书": (5, 6, "general"),  # 国家卫生健康委员会
    "执业药师注册证": (2, 2, "general"),  # 国家药品监督管理局
    "道路运输证": (7, 3, "general"),  # 交通运输部
    "结婚证": (10, 1, "general"),  # 民政部
    "中华人民共和国残疾人证": (11, 1, "general"),  # 中国残疾人联合会
    # documents (批文、证明、回执) the demo catalog issues, signed like any licence
    "印章刻制备案回执": (3, 6, "general"),  # 公安部
    "居民户口簿(新生儿户口页)": (3, 7, "general"),
    "税务事项通知书(数电发票总额度)": (9, 2, "general"),  # 国家税务总局
    "社会保险登记信息确认单": (8, 3, "general"),  # 人力资源和社会保障部
    "失业登记凭证": (8, 4, "general"),
    "社会保险注销登记通知": (8, 5, "general"),
    "一次性创业补贴发放通知书": (8, 6, "general"),
    "住房公积金单位登记开户确认书": (MOHURD, 7, "general"),
    "住房公积金提取审批结果通知": (MOHURD, 8, "general"),
    "竣工验收备案证明": (MOHURD, 9, "general"),
    "户外广告设施设置许可决定书": (MOHURD, 10, "general"),
    "临时占用城市道路许可决定书": (MOHURD, 11, "general"),
    "准予注销登记通知书": (1, 4, "general"),  # 国家市场监督管理总局
    "最低生活保障审核确认通知书": (10, 2, "general"),  # 民政部
    "高龄津贴享受确认书": (10, 3, "general"),
    "养老机构备案回执": (10, 4, "general"),
    "建设项目环境影响报告表批复": (6, 2, "general"),  # 生态环境部
    "不动产登记证明(抵押权)": (4, 3, "general"),  # 自然资源部
    "预防接种证": (5, 7, "general"),  # 国家卫生健康委员会
    "城乡居民基本医疗保险参保登记回执": (12, 1, "general"),  # 国家医疗保障局
    "异地就医备案凭证": (12, 2, "general"),
}
licence_types.register(_TYPES)  # what the catalog loader checks materials' licence_type against


def licence_type(name: str) -> LicenceType:
    """The type of the licence named ``name``; a name outside the table gets a demo
    code of its own (defining authority 99), so a new catalog item still issues."""
    authority, number, layout = _TYPES.get(name, (99, _fallback_number(name), "general"))
    code = authority if isinstance(authority, str) else _demo_authority(authority)
    return LicenceType(name=name, type_code=f"{code}{number:03d}", layout=layout)


def _fallback_number(name: str) -> int:
    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % 900 + 100


def department_credit_code(department: str, division: str, *, entity: str = "1") -> str:
    """The demo unified social credit code of a department (机关, 11…) of ``division``, or
    with ``entity="2"`` of a public institution (事业单位, 12…: a hospital) by its name."""
    digest = hashlib.sha256(department.encode()).digest()
    body = "".join(ALPHABET[byte % len(ALPHABET)] for byte in digest[:8])
    return make_credit_code(division, body, authority="1", entity=entity)
