"""双随机: the two inspectors of an inspection are drawn at random from the inspectors
present in the department (《国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的
意见》国发〔2019〕5号: 随机抽取检查对象、随机选派执法检查人员). Nobody chooses them: not the
reviewer, not the applicant.
"""

from __future__ import annotations

import random
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts.enums import Role
from tongban.accounts.models import User, UserRole
from tongban.errors import Conflict

INSPECTORS_PER_VISIT = 2  # 核查人员不得少于2人 (《食品生产许可管理办法》第二十一条)
_SYSTEM_RANDOM = secrets.SystemRandom()


def present_inspectors(session: Session, *, department: str) -> list[User]:
    """The department's active accounts holding the inspector role, by id."""
    query = (
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.department_code == department,
            User.active.is_(True),
            UserRole.role == Role.inspector,
        )
        .order_by(User.id)
    )
    return list(session.scalars(query))


def too_few(pool: list[User]) -> Conflict | None:
    """Why no visit can be drawn from ``pool`` (fewer than two inspectors), or None."""
    if len(pool) >= INSPECTORS_PER_VISIT:
        return None
    return Conflict(
        f"本部门在岗的踏勘人员不足 {INSPECTORS_PER_VISIT} 名，无法随机选派；"
        "请联系部门负责人增加踏勘人员。",
        f"The department has fewer than {INSPECTORS_PER_VISIT} inspectors present; "
        "none can be drawn. Ask the head of the department to add inspectors.",
        code="too_few_inspectors",
    )


def draw(
    session: Session, *, department: str, rng: random.Random | None = None
) -> tuple[User, User]:
    """Two distinct inspectors of ``department`` drawn at random (``rng``: the system's
    cryptographic source unless a test gives a seeded one). Raises Conflict when fewer
    than two are present."""
    pool = present_inspectors(session, department=department)
    if (refusal := too_few(pool)) is not None:
        raise refusal
    first, second = (rng or _SYSTEM_RANDOM).sample(pool, INSPECTORS_PER_VISIT)
    return first, second
