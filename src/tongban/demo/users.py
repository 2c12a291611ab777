"""Demo accounts from ``demo/users.yaml``: created only by the demo command."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from tongban.accounts import service as accounts
from tongban.accounts.enums import UserKind
from tongban.accounts.schemas import ApplicantCreate, StaffCreate


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


def logins_table(entries: list[dict[str, Any]]) -> str:
    """The demo logins, one line each, for the start-up banner."""
    lines = ["演示账号 (demo logins)  用户名 / 密码 / 说明:"]
    for entry in entries:
        lines.append(f"  {entry['username']:<16} {entry['password']:<12} {entry.get('note', '')}")
    return "\n".join(lines)


def population_accounts(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Everyone the synthetic population must hold with their own data: the accounts of
    the users file and the applicants of the demo history (``plans.APPLICANTS``), once
    each, so that every demo case's applicant is found in the population register and
    every demo enterprise in the enterprise register."""
    from tongban.demo.plans import APPLICANTS

    known = {entry["username"] for entry in entries}
    return [*entries, *(entry for entry in APPLICANTS if entry["username"] not in known)]
