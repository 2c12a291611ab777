"""The demo expert register (``demo/experts.yaml``) and one panel sitting on an
environmental impact case (环评, 3501-ST-001: a technical review by experts is the rule
there), so that the reviewer ``st`` and the experts find expert review on first sign-in.
Loaded once: nothing is added where the register already holds experts."""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.cases.enums import Stage, TaskState
from tongban.cases.models import Case, CasePause, Task
from tongban.errors import DomainError
from tongban.experts import service as experts

ITEMS = ("3501-ST-001", "3501-ST-002")  # 环评, 排污许可: expert review is usual
QUESTION = "请对建设项目环境影响报告表的污染防治措施和环境风险评价结论提出评审意见。"


def load_experts(session: Session, *, entries: list[dict[str, Any]], now: datetime) -> int:
    """Register the demo experts and convene one panel; returns how many experts were
    registered (0 when the register has some already or the accounts are missing)."""
    admin = accounts.find_user(session, username="admin")
    if admin is None or experts.list_experts(session):
        return 0
    for row in entries:
        entry = experts.Entry(
            fields=row["fields"],
            employer=row["employer"],
            employer_credit_code=row.get("employer_credit_code", ""),
            phone=row.get("phone", ""),
        )
        experts.register(
            session, username=row["username"], entry=entry, actor=accounts.actor_of(admin), now=now
        )
    _convene_one(session, now=now)
    return len(entries)


def _convene_one(session: Session, *, now: datetime) -> None:
    """A panel of three environment experts on an 环评 case in review, when the demo
    history holds one that is not paused."""
    reviewer = accounts.find_user(session, username="st")
    paused = select(CasePause.case_id).where(CasePause.ended_at.is_(None))
    query = (
        select(Task)
        .join(Case, Case.id == Task.case_id)
        .where(Case.catalog_code.in_(ITEMS), Case.id.not_in(paused))
        .where(
            Task.stage == Stage.review, Task.state == TaskState.open, Task.department_code == "ST"
        )
        .order_by(Task.id)
    )
    task = session.scalars(query).first()
    if reviewer is None or task is None:
        return
    try:
        with session.begin_nested():  # a case whose legal limit has run out is left alone
            experts.convene(
                session,
                task_id=task.id,
                user=reviewer,
                field="environment",
                size=3,
                working_days=10,
                question=QUESTION,
                now=now,
                rng=random.Random(task.id),
            )
    except DomainError:
        return
