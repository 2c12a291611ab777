"""The make-up of the demo history (``demo.history``): what becomes of each demo case, who
applies, and the words staff and applicants use. Data, kept apart from the driving code.
"""

from __future__ import annotations

import random
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar

from tongban.accounts.models import User
from tongban.catalog.enums import PROVIDED_WAYS
from tongban.identifiers import make_credit_code, make_resident_id


class Plan(StrEnum):
    """What becomes of a demo case."""

    waiting = "waiting"  # submitted, not accepted yet
    correction = "correction"  # the correction notice is out, no answer yet
    review = "review"  # in review with time to spare
    due_soon = "due_soon"  # in review, due within 24 hours
    overdue = "overdue"  # in review, past its due time
    on_time = "on_time"  # completed within the promised limit
    late = "late"  # completed after the promised limit
    refused = "refused"  # 不予许可 after a department refused
    rejected = "rejected"  # 不予受理
    withdrawn = "withdrawn"  # by the applicant before acceptance

    @property
    def in_review(self) -> bool:
        return self in (Plan.review, Plan.due_soon, Plan.overdue)

    @property
    def finishes(self) -> bool:
        return self in (Plan.on_time, Plan.late, Plan.refused)


P = Plan
# One round of twenty: every plan at least once, about half of the cases finished on time.
ROUND = (
    P.on_time, P.waiting, P.due_soon, P.on_time, P.late, P.correction, P.overdue, P.on_time,
    P.rejected, P.review, P.on_time, P.late, P.refused, P.waiting, P.on_time, P.withdrawn,
    P.overdue, P.on_time, P.correction, P.due_soon,
)  # fmt: skip


def plans_for(count: int, rng: random.Random) -> list[Plan]:
    """``count`` plans in whole rounds (so a small count still has every kind), shuffled."""
    plans = [ROUND[i % len(ROUND)] for i in range(count)]
    rng.shuffle(plans)
    return plans


def _person(username: str, name: str, born: date, seq: int, phone: str) -> dict[str, Any]:
    return {
        "kind": "person",
        "username": username,
        "password": "demo12345",
        "display_name": name,
        "id_number": make_resident_id("350102", born, seq),
        "phone": phone,
        "email": f"{username}@tongban.example",  # seen in a local debug SMTP server
    }


def _enterprise(
    username: str, agent: str, born: date, seq: int, name: str, org: str, phone: str
) -> dict[str, Any]:
    entry = _person(username, agent, born, seq, phone)
    entry.update(
        kind="enterprise", enterprise_name=name, credit_code=make_credit_code("350104", org)
    )
    return entry


# Applicants of the history; zhangsan and minfeng stay clean for trying the portal.
APPLICANTS = (
    _person("liufang", "刘芳", date(1988, 4, 12), 42, "13800000011"),
    _person("chenjian", "陈建", date(1975, 11, 3), 17, "13800000012"),
    _person("linxiaomei", "林晓梅", date(1996, 7, 21), 88, "13800000013"),
    _person("huangwei", "黄伟", date(1982, 1, 30), 5, "13800000014"),
    _person("zhengli", "郑丽", date(1991, 9, 9), 64, "13800000015"),
    _enterprise(
        "rongxin", "吴强", date(1980, 5, 6), 23, "福州榕信科技有限公司", "MA31ABC2", "13800000021"
    ),
    _enterprise(
        "minjiang", "许静", date(1986, 2, 14), 71, "福建闽江物流有限公司", "MA32DEF4", "13800000022"
    ),
    _enterprise(
        "sanfang", "杨帆", date(1979, 12, 1), 39, "福州三坊餐饮有限公司", "MA33GH5K", "13800000023"
    ),
)


# 电子证照复用: a demo enterprise registers a new company early in the history (企业设立登记,
# under the name its legal representative reserved); the 营业执照 issued is in the licence
# library, and the new company's later 户外广告设施 (shop sign) case, which asks for the
# business licence, takes it from there instead of an upload.
# (item, days before the history's end it is applied for); both finish on time.
LICENCE_REUSE = ("sanfang", (("3501-SCJG-001", 27), ("3501-CGJ-002", 12)))


def first_way(material: dict[str, Any]) -> str:
    """The way a simulated case satisfies ``material``: the first the catalog lists."""
    return str((material.get("ways") or ["upload"])[0])


def platform_provided(spec: dict[str, Any]) -> set[str]:
    """Codes of ``spec``'s materials a simulated case has the platform obtain itself."""
    return {m["code"] for m in spec.get("materials", []) if first_way(m) in PROVIDED_WAYS}


class Texts:
    """Opinions, problems and ratings the demo staff and applicants write."""

    REJECTIONS = (
        "申请事项不属于本机关职权范围，请向所在区行政服务中心申请。",
        "申请人不具备申请资格，不予受理。",
        "同一事项已有正在办理的申请，不予重复受理。",
    )
    PROBLEMS = (
        {"target": "materials.ID_CARD", "problem": "身份证复印件不清晰，请重新上传清晰扫描件。"},
        {"target": "form.address", "problem": "地址与证明材料不一致，请核对后修改。"},
        {"target": "materials", "problem": "材料缺少签字盖章页，请补充上传。"},
    )

    @classmethod
    def problems_for(cls, provided: set[str]) -> list[dict[str, str]]:
        """The ``PROBLEMS`` a correction notice may list for a case whose materials
        ``provided`` (codes) the platform obtained itself: none about those."""
        return [p for p in cls.PROBLEMS if p["target"].removeprefix("materials.") not in provided]

    REFUSALS = (
        "申请材料所述情况与核查结果不符，不予许可。",
        "不符合法定条件，不予许可。",
    )
    # a reason of the item's own field beside the general ones: a hygiene finding belongs
    # to a food or public-place permit, never to a house's transfer (二手房过户)
    ITEM_REFUSALS: ClassVar[dict[str, tuple[str, ...]]] = {
        "3501-SCJG-002": ("经现场核查，经营场所不符合食品安全要求，不予许可。",),
        "3501-SCJG-005": ("经现场核查，生产场所和设备布局不符合食品生产要求，不予许可。",),
        "3501-WJW-003": ("经现场核查，公共场所卫生条件不符合要求，不予许可。",),
        "3501-ZRZY-001": ("经查，该房屋已被人民法院查封，不予办理转移登记。",),
        "3501-ZRZY-002": ("经查，该不动产已被依法查封，不予办理抵押登记。",),
        "3501-JT-001": ("经核查，营运车辆技术等级不符合要求，不予许可。",),
        "3501-JT-002": ("经核查，申请人驾龄不满3年，不符合从业资格条件，不予许可。",),
    }

    @classmethod
    def refusals(cls, item_code: str | None) -> tuple[str, ...]:
        """The reasons a reviewer of ``item_code`` may give for a refusal."""
        return cls.ITEM_REFUSALS.get(item_code or "", ()) + cls.REFUSALS

    SCORES: ClassVar[dict[str, tuple[int, ...]]] = {
        "completed": (5, 5, 5, 5, 5, 5, 4, 4, 4, 3, 2),
        "refused": (4, 4, 3, 2, 1),
        "rejected": (4, 3, 3, 1),
    }
    GOOD = (None, None, "办理很快，服务热情。", "网上办理方便，不用跑腿。", "一次告知清楚，点赞。")
    SLOW = "等了很久都没有人联系，进度不透明。"
    # a bad rating's comment → its reason tag (``ratings.rules.BAD_TAGS``), as the applicant ticks it
    BAD_TAGS: ClassVar[dict[str, str]] = {
        SLOW: "办理时间长",
        "补正要求没有一次说清楚，来回跑了两趟。": "多次跑动",
        "窗口工作人员态度不好。": "服务态度差",
    }
    BAD = tuple(BAD_TAGS)
    RECTIFICATIONS = (
        "已电话联系申请人说明情况并致歉，已加强办件进度提醒。",
        "已对相关工作人员开展服务规范培训，并优化一次性告知清单。",
    )

    @staticmethod
    def answers(applicant: User) -> dict[str, Any]:
        """The applicant's own details for the form fields that ask for them."""
        found = {
            "applicant_name": applicant.display_name,
            "name": applicant.display_name,
            "id_number": applicant.id_number,
            "phone": applicant.phone,
        }
        if applicant.credit_code:
            found.update(
                enterprise_name=applicant.enterprise_name, credit_code=applicant.credit_code
            )
        return {key: value for key, value in found.items() if value}
