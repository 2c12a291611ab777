"""Catalog vocabulary."""

from enum import StrEnum


class EntryKind(StrEnum):
    item = "item"  # 事项
    bundle = "bundle"  # 一件事


class EntryStatus(StrEnum):
    published = "published"
    withdrawn = "withdrawn"


class ApprovalMode(StrEnum):
    ordinary = "ordinary"
    commitment = "commitment"  # 告知承诺制
    instant = "instant"  # 秒批
    proactive = "proactive"  # 免申即享: found eligible on shared data, nobody applies


class TimeUnit(StrEnum):
    working_days = "working_days"  # 工作日
    calendar_days = "calendar_days"  # 日: 民法典 第二百零一条、第二百零三条
    hours = "hours"


class MaterialWay(StrEnum):
    """How a material of an item is satisfied (材料获取方式), declared per material in the
    catalog in order of preference: the engine takes the first way that works and falls
    back down the list, ending with an upload where the catalog allows one."""

    upload = "upload"  # 申请人上传
    generated = "generated"  # 由系统生成 (the application form, from the answers)
    signed = "signed"  # 在线签署 (commitment letters, read and signed in the page)
    shared = "shared"  # 共享调取: pulled from the material's ``shared_source``
    licence = "licence"  # 电子证照: a valid licence of its ``licence_type`` the applicant holds
    verified = "verified"  # 部门协查: verified by the issuing department (``issuer``)


AUTOMATIC_WAYS = frozenset(set(MaterialWay) - {MaterialWay.upload})
# what the platform itself obtained: the applicant cannot correct it by a new file or
# signature (补正), only the data behind it (its answers, the source, a 协查)
PROVIDED_WAYS = frozenset(AUTOMATIC_WAYS - {MaterialWay.signed})
