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
    finance = "finance"  # 财务: refunds and the daily reconciliation (docs/payments.md)
    catalog_admin = "catalog_admin"
    system_admin = "system_admin"  # 系统管理员
    security_admin = "security_admin"  # 安全管理员
    audit_admin = "audit_admin"  # 审计管理员
    hotline_operator = "hotline_operator"  # 12345 话务员: records calls, routes them (派单)
    expert = "expert"  # 评审专家 of the expert register: gives opinions on panels only
    inspector = "inspector"  # 现场踏勘人员: drawn at random for inspections, never a reviewer


ADMIN_TRIAD = frozenset({Role.system_admin, Role.security_admin, Role.audit_admin})
"""三员分立 (GB/T 22239-2019 8.1.4.2 d): one account holds at most one of these, and none
of them handles cases."""


STAFF_ROLES = frozenset(Role) - {Role.applicant}
