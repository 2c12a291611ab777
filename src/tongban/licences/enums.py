"""States and code lists of e-licences."""

from __future__ import annotations

from enum import StrEnum


class LicenceStatus(StrEnum):
    """证照状态 (GB/T 36903): only ``valid`` licences prove anything."""

    valid = "valid"  # 有效
    suspended = "suspended"  # 暂扣 / 中止
    revoked = "revoked"  # 撤销: the grant revoked as unlawful (行政许可法 第六十九条)
    penalty_revoked = (
        "penalty_revoked"  # 吊销: a penalty (行政处罚法 第九条, 行政许可法 第八十一条)
    )
    cancelled = "cancelled"  # 注销
    expired = "expired"  # 过期: derived from the validity, never stored by hand


class HolderCodeType(StrEnum):
    """持证主体代码类型: which identifier names the holder."""

    resident_id = "resident_id"  # 公民身份号码 (GB 11643)
    credit_code = "credit_code"  # 统一社会信用代码 (GB 32100)


class Verdict(StrEnum):
    """What a verification answers."""

    valid = "valid"
    suspended = "suspended"
    revoked = "revoked"
    penalty_revoked = "penalty_revoked"
    cancelled = "cancelled"
    expired = "expired"
    tampered = "tampered"
    unknown = "unknown"  # no such licence
    malformed = "malformed"  # not a licence number or identifier at all: its check fails


STATUS_NAMES_ZH = {
    LicenceStatus.valid: "有效",
    LicenceStatus.suspended: "暂扣",
    LicenceStatus.revoked: "已撤销",
    LicenceStatus.penalty_revoked: "已吊销",
    LicenceStatus.cancelled: "注销",
    LicenceStatus.expired: "已过期",
}
HOLDER_CODE_NAMES_ZH = {
    HolderCodeType.resident_id: "公民身份号码",
    HolderCodeType.credit_code: "统一社会信用代码",
}
VERDICT_NAMES_ZH = {
    Verdict.valid: "有效",
    Verdict.suspended: "已暂扣",
    Verdict.revoked: "已撤销",
    Verdict.penalty_revoked: "已吊销",
    Verdict.cancelled: "已注销",
    Verdict.expired: "已过期",
    Verdict.tampered: "文件被篡改或签名无效",
    Verdict.unknown: "证照库中没有该证照",
    Verdict.malformed: "证照编号或标识有误",
}
