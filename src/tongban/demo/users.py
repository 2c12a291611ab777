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
