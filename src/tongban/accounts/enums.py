"""Kinds of users and roles."""

from enum import StrEnum


class UserKind(StrEnum):
    person = "person"  # 自然人
    enterprise = "enterprise"  # 法人, acting through an agent (经办人)
    staff = "staff"


class Role(StrEnum):
    applicant = "applicant"
    clerk = "clerk"  # 窗口受理人员
    reviewer = "reviewer"  # 审查
    approver = "approver"  # 核准 / 决定
    issuer = "issuer"  # 制证 / 送达
    supervisor = "supervisor"  # 电子监察
    catalog_admin = "catalog_admin"
    system_admin = "system_admin"


STAFF_ROLES = frozenset(Role) - {Role.applicant}
