"""Who hears of an alert (电子监察): the staff of the department whose limit it is; for an
escalation, the department's approvers (its head) and the supervisors whose region holds
the department (the platform's and its region's, GB/T 2260). Read once per worker round
for every department and level it raises (``recipients_of``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tongban import txcache
from tongban.accounts.enums import Role, UserKind
from tongban.accounts.models import User, UserRole
from tongban.alerts.enums import AlertLevel
from tongban.catalog import reading as catalog
from tongban.catalog.models import Department
from tongban.identifiers import divisions


def recipients(session: Session, *, department: str, level: AlertLevel) -> list[int]:
    """Who hears of an alert: the department's active staff; for an escalation, the
    department's approvers (its head) and the supervisors (电子监察) whose region holds the
    department (the platform's and its region's, GB/T 2260)."""
    return recipients_of(session, {(department, level)})[(department, level)]


def recipients_of(
    session: Session, wanted: Collection[tuple[str, AlertLevel]]
) -> dict[tuple[str, AlertLevel], list[int]]:
    """:func:`recipients` of each (department, level) wanted, from one read of the staff of
    those departments and the supervisors (a worker's round raises alerts of many
    departments), and one of the escalated departments' regions."""
    departments = {department for department, _ in wanted}
    staff = _staff(session, departments)
    escalated = {department for department, level in wanted if level == AlertLevel.escalated}
    regions = _divisions(session, escalated)
    return {
        (department, level): sorted(
            {person.id for person in staff if person.department_code == department}
            if level != AlertLevel.escalated
            else {
                person.id
                for person in staff
                if person.department_code == department and person.approver
            }
            | set(_supervising(staff, regions[department]))
        )
        for department, level in wanted
    }


@dataclass(frozen=True)
class _Staff:
    """An active staff member as alerts address them: their department and its region
    (GB/T 2260), and whether they approve (a department's head) or supervise."""

    id: int
    department_code: str | None
    region: str | None
    approver: bool
    supervisor: bool


def _staff(session: Session, departments: Collection[str]) -> list[_Staff]:
    """The active staff of ``departments`` and the active supervisors, read once per
    transaction (their rows do not change under a worker's round)."""

    def read() -> list[_Staff]:
        def holds(role: Role) -> Any:
            return User.id.in_(select(UserRole.user_id).where(UserRole.role == role))

        query = (
            select(
                User.id,
                User.department_code,
                Department.division_code,
                holds(Role.approver),
                holds(Role.supervisor),
            )
            .outerjoin(Department, Department.code == User.department_code)
            .where(User.active.is_(True), User.kind == UserKind.staff)
            .where(or_(User.department_code.in_(departments), holds(Role.supervisor)))
        )
        return [_Staff(*row) for row in session.execute(query)]

    key = "alerts.staff:" + ",".join(sorted(departments))
    return txcache.memo(session, key, read, on=(User, UserRole, Department))


def _divisions(session: Session, departments: Collection[str]) -> dict[str, str]:
    """The region (GB/T 2260) of each department; an unknown one is refused
    (``catalog.get_department``)."""
    if not departments:
        return {}
    query = select(Department.code, Department.division_code).where(
        Department.code.in_(departments)
    )
    found: dict[str, str] = {code: division for code, division in session.execute(query)}
    for department in set(departments) - found.keys():
        catalog.get_department(session, code=department)
    return found


def supervisors_of(session: Session, *, department: str) -> list[int]:
    """The active supervisors (电子监察) whose region holds ``department``: the platform's
    (no department of their own) and those of a region around it (GB/T 2260)."""
    division = _divisions(session, {department})[department]
    return sorted(_supervising(_staff(session, {department}), division))


def _supervising(staff: Sequence[_Staff], division: str) -> list[int]:
    """The supervisors among ``staff`` whose region holds ``division``: the platform's (no
    region of their own) and those of a region around it."""
    return [
        person.id
        for person in staff
        if person.supervisor
        and (person.region is None or divisions.within(division, person.region))
    ]
