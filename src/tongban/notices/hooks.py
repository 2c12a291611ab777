"""What a public notice (公示) does to a case (registered on ``cases.core.hooks`` when
``tongban.models.load_all()`` imports this): it opens when the decision task opens after
an approved review, and withholds the decision until it ended and its objections were
examined (``service.decide_hold``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.cases.core import hooks
from tongban.cases.models import Task
from tongban.notices import service


def on_task_opened(session: Session, task: Task, now: datetime) -> None:
    """A decision task opened: the item's notice opens, if it declares one."""
    service.open_notice(session, task, now)


hooks.TASK_OPENED.append(on_task_opened)
hooks.DECIDE_HOLDS.append(service.decide_hold)
