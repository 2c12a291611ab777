"""What expert panels add to a case's life: while one sits, its art. 45 pause is not the
reviewer's to end by hand (``cases.core.hooks.RESUME_HOLDS``); the last opinion or the
deadline ends it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tongban.cases.core import hooks
from tongban.cases.models import Case
from tongban.experts.panels import open_panel


def _sitting(session: Session, case: Case) -> tuple[str, str] | None:
    panel = open_panel(session, case=case)
    if panel is None:
        return None
    return (
        "专家评审正在进行，计时在收到全部专家意见或评审期限届满时自动恢复。",
        "An expert panel is sitting; the clock resumes by itself at the last opinion or "
        "at the panel's deadline.",
    )


hooks.RESUME_HOLDS.append(_sitting)
