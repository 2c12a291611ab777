"""What expert panels add to a case's life: while one sits, its art. 45 pause is not the
reviewer's to end by hand (``cases.core.hooks.RESUME_HOLDS``); the last opinion or the
deadline ends it. While it sits no review opinion nor decision is given on the case
(``REVIEW_HOLDS``, ``DECIDE_HOLDS``): the experts' opinions are what they wait for. A case
that ends while a panel sits (终止办理 and every other final state, ``ENDED``) ends the panel
too: its experts owe no opinion on a case nobody decides any more."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.audit.service import SYSTEM
from tongban.cases import service as cases
from tongban.cases.core import hooks
from tongban.cases.enums import CaseState, TaskOutcome
from tongban.cases.models import Case, Task
from tongban.experts.enums import CASE_ENDED, PanelState
from tongban.experts.reading import open_panel


def _sitting(session: Session, case: Case) -> tuple[str, str] | None:
    panel = open_panel(session, case=case)
    if panel is None:
        return None
    return (
        "专家评审正在进行，计时在收到全部专家意见或评审期限届满时自动恢复。",
        "An expert panel is sitting; the clock resumes by itself at the last opinion or "
        "at the panel's deadline.",
    )


def _opinion_held(session: Session, task: Task, outcome: TaskOutcome) -> tuple[str, str] | None:
    """(zh, en) why no review opinion or decision (any ``outcome``) is given on the case of
    ``task`` yet: one of its expert panels sits until its last opinion or its deadline."""
    panel = open_panel(session, case=task.case)
    if panel is None:
        return None
    due = timefmt.deadline(panel.due_at)
    return (
        f"专家评审正在进行（评审期限 {due}），收到全部专家意见或评审期限届满前"
        "不能作出审查意见或决定。",
        f"An expert panel is sitting (until {due}); the review opinion and the decision "
        "wait for its opinions or its deadline.",
    )


def _case_ended(session: Session, case: Case, now: datetime) -> None:
    """The case ended: a panel still sitting on it ends (``closed_why`` ``case_ended``); its
    seats keep their state, no opinion is due. The case's clocks stopped with it, so no
    art. 45 pause is ended here (``panels.close`` would resume one). Only a termination
    (终止办理) can end a case past a sitting panel: every other end comes before acceptance
    (撤回, 不予受理) or through a review or decision the panel holds, so no other end
    looks for one."""
    if case.state != CaseState.terminated:
        return
    panel = open_panel(session, case=case)
    if panel is None:
        return
    panel.state, panel.closed_at, panel.closed_why = PanelState.closed, now, CASE_ENDED
    cases.record_case(
        session,
        now=now,
        action="expert_panel.closed",
        actor=SYSTEM,
        object_type="expert_panel",
        object_id=panel.id,
        case=case,
        data={"field": panel.field, "why": CASE_ENDED},
    )


hooks.RESUME_HOLDS.append(_sitting)
hooks.REVIEW_HOLDS.append(_opinion_held)
hooks.DECIDE_HOLDS.append(_opinion_held)
hooks.ENDED.append(_case_ended)
