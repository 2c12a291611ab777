"""Risk vocabulary."""

from enum import StrEnum


class FlagKind(StrEnum):
    shared_phone = "shared_phone"  # 同一手机号用于多个申请主体
    shared_address = "shared_address"  # 同一地址用于多个申请主体
    repeat_after_refusal = "repeat_after_refusal"  # 被不予许可后反复申请
    contradicts_source = "contradicts_source"  # 共享数据与表单不一致
    reused_file = "reused_file"  # 同一文件用于不相关的申请主体


class MarkKind(StrEnum):
    """What a case is indexed by for screening later cases."""

    subject = "subject"  # 申请主体: credit code, else resident ID
    phone = "phone"
    address = "address"
    file = "file"  # SHA-256 of an uploaded file
