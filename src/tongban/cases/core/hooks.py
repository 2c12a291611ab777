"""What domains above ``cases`` add to a case's life without ``cases`` importing them
(the way ``materials/registry.py`` takes material providers): the lenient modes
(``tongban.lenient``) act when a case is accepted or decided, may withhold its results
(容缺: until the missing materials arrive), and let the applicant upload a material after
acceptance; department systems hear of tasks opened for them (``tongban.integration``). Registered when ``tongban.models.load_all()`` imports them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from tongban.audit.service import Actor
from tongban.cases.models import Case, Material, Task
from tongban.errors import Conflict
from tongban.files.store import FileStore

# (session, case, actor, now, store): after the case moved on from acceptance / its decision
Moved = Callable[[Session, Case, Actor, datetime, FileStore], None]
# (session, task, now): a task was opened for a department (its clock running)
Opened = Callable[[Session, Task, datetime], None]
# (session, case) -> (zh, en) why the results may not be issued yet, or None
Hold = Callable[[Session, Case], tuple[str, str] | None]


@dataclass(frozen=True)
class LateUpload:
    """Uploads after acceptance: ``allows(session, case, code, now)`` says whether the
    material may still be uploaded; ``uploaded(session, case, material, now)`` hears that
    it was."""

    allows: Callable[[Session, Case, str, datetime], bool]
    uploaded: Callable[[Session, Case, Material, datetime], None]


ACCEPTED: list[Moved] = []
DECIDED: list[Moved] = []
HOLDS: list[Hold] = []
LATE_UPLOADS: list[LateUpload] = []
TASK_OPENED: list[Opened] = []


def run(
    hooks: list[Moved], session: Session, case: Case, actor: Actor, now: datetime, store: FileStore
) -> None:
    """Call every hook of ``hooks`` in the order registered."""
    for hook in hooks:
        hook(session, case, actor, now, store)


def check_hold(session: Session, case: Case) -> None:
    """Conflict ``result_withheld`` when a registered hold withholds the results."""
    for hold in HOLDS:
        reason = hold(session, case)
        if reason is not None:
            raise Conflict(reason[0], reason[1], code="result_withheld")


def late_upload(session: Session, case: Case, code: str, now: datetime) -> LateUpload | None:
    """The registered late upload that lets ``code`` be uploaded now, if any."""
    return next((late for late in LATE_UPLOADS if late.allows(session, case, code, now)), None)
