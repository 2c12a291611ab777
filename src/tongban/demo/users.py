"""Demo accounts from ``demo/users.yaml``: created only by the demo command."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel
from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.accounts.enums import UserKind
from tongban.accounts.schemas import ApplicantCreate, StaffCreate

COLLEAGUES = "colleagues.yaml"
"""The second person of each role of the demo departments, beside the users file: loaded
by the demo command only (the test suite runs on the users file, one person per role)."""


def accounts_of(users: Path) -> list[dict[str, Any]]:
    """The demo accounts: the users file's, then the colleagues beside it (when there)."""
    entries: list[dict[str, Any]] = yaml.safe_load(users.read_text(encoding="utf-8"))
    colleagues = users.parent / COLLEAGUES
    if colleagues.exists():
        entries += yaml.safe_load(colleagues.read_text(encoding="utf-8"))
    return entries


def ensure_user(session: Session, entry: dict[str, Any]) -> None:
    """Create a demo account unless one with that username exists."""
    if accounts.find_user(session, username=entry["username"]) is not None:
        return
    if entry["kind"] == UserKind.staff:
        accounts.create_staff(session, data=StaffCreate.model_validate(_fields(StaffCreate, entry)))
    else:
        data = ApplicantCreate.model_validate(_fields(ApplicantCreate, entry))
        accounts.register_applicant(session, data=data)


def _fields(model: type[BaseModel], entry: dict[str, Any]) -> dict[str, Any]:
    """The entry without what only the demo file knows (``note``, a staff ``kind``)."""
    return {key: value for key, value in entry.items() if key in model.model_fields}


def logins_table(entries: list[dict[str, Any]], colleagues: int = 0) -> str:
    """The demo logins, one line each, for the start-up banner; ``colleagues`` (the second
    person of each role, :data:`COLLEAGUES`) are counted in one line, not listed."""
    lines = ["演示账号 (demo logins)  用户名 / 密码 / 说明:"]
    for entry in entries:
        lines.append(f"  {entry['username']:<16} {entry['password']:<12} {entry.get('note', '')}")
    if colleagues:
        lines.append(
            f"  另有 {colleagues} 名各部门第二名工作人员：用户名为上列工作人员的用户名加 2"
            "（如 scjg2、scjg-hz2），密码相同，用于演示随机分配、改派和接手 "
            f"({colleagues} second colleagues: a staff username followed by 2)"
        )
    return "\n".join(lines)


def population_accounts(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Everyone the synthetic population must hold with their own data: the accounts of
    the users file and the applicants of the demo history (``plans.APPLICANTS``), once
    each, so that every demo case's applicant is found in the population register and
    every demo enterprise in the enterprise register."""
    from tongban.demo.plans import APPLICANTS

    known = {entry["username"] for entry in entries}
    return [*entries, *(entry for entry in APPLICANTS if entry["username"] not in known)]
