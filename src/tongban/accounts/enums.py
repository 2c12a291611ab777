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


ROLE_NAMES: dict[Role, tuple[str, str]] = {
    Role.applicant: ("申请人", "applicant"),
    Role.clerk: ("窗口受理", "window clerk"),
    Role.reviewer: ("审查", "review"),
    Role.approver: ("核准", "decision"),
    Role.issuer: ("制证送达", "issue and delivery"),
    Role.supervisor: ("电子监察", "e-supervision"),
    Role.finance: ("财务", "finance"),
    Role.catalog_admin: ("事项管理", "catalog administration"),
    Role.system_admin: ("系统管理", "system administration"),
    Role.security_admin: ("安全管理", "security administration"),
    Role.audit_admin: ("安全审计", "security audit"),
    Role.hotline_operator: ("12345 话务", "12345 hotline operator"),
    Role.expert: ("评审专家", "reviewing expert"),
    Role.inspector: ("现场踏勘", "site inspector"),
}
"""Each role's name as people read it: (Chinese, English)."""


ADMIN_TRIAD = frozenset({Role.system_admin, Role.security_admin, Role.audit_admin})
"""三员分立 (GB/T 22239-2019 8.1.4.2 d): one account holds at most one of these, and none
of them handles cases."""


STAFF_ROLES = frozenset(Role) - {Role.applicant}
