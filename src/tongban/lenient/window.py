"""The deficiency commitment signed at the window (窗口签署容缺受理承诺书): a walk-in
applicant whose case the clerk is about to accept with deficiencies signs there, before
the clerk, the same letter the online applicant signs (``deficiency.letter``: what is
missing, in what form, the deadline, what happens if it is missed), either by hand on the
printed letter (the clerk confirms it was signed) or by typing their name on the window's
screen. The case keeps who signed (the applicant's name as registered), when, which text
(its SHA-256 and catalog version), how and before which clerk, with the signed letter as
a PDF; acceptance then runs as for an online signature.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases.core.transition import actionable_task
from tongban.cases.enums import CaseState, Stage
from tongban.cases.materials import signing
from tongban.cases.models import Case, Material
from tongban.errors import Conflict, InvalidInput
from tongban.files.store import FileStore
from tongban.lenient.deficiency import letter, refused_because

METHODS = ("paper", "screen")


def may_witness(session: Session, clerk: User, case: Case, now: datetime) -> bool:
    """Whether ``clerk`` may take the applicant's signature: the case waits for acceptance
    and the clerk may act on its open acceptance task now."""
    return case.state == CaseState.submitted and (
        actionable_task(session, case=case, stage=Stage.accept, user=clerk, now=now) is not None
    )


def printable(session: Session, *, case: Case, now: datetime) -> bytes:
    """The deficiency commitment as a PDF to print and sign by hand (a blank signature
    line, the text's SHA-256); Conflict when nothing 容缺 is missing."""
    read = letter(session, case=case, now=now)
    return signing.letter_pdf(read["name"], read["text"], None, read["sha256"])


def sign_at_window(
    session: Session,
    *,
    case: Case,
    clerk: User,
    name: str,
    method: str,
    confirmed: bool,
    store: FileStore,
    now: datetime,
) -> Material:
    """Record the applicant's signature of the deficiency commitment given at the window.

    ``name``: the applicant's name as signed (checked against the registered one);
    ``method``: ``paper`` (``confirmed``: the clerk saw the printed letter signed) or
    ``screen``. Raises NotFound when the clerk may not act on the case's acceptance;
    Conflict when nothing 容缺 is missing or the applicant may not use the mode;
    InvalidInput for an unknown method, an unconfirmed paper signature or a wrong name.
    """
    if not may_witness(session, clerk, case, now):
        raise Conflict(
            "只有可办理本件受理的窗口工作人员，才能在待受理时记录容缺受理承诺书的签署。",
            "Only a clerk who may accept the case records its deficiency commitment, "
            "while it waits for acceptance.",
        )
    if method not in METHODS:
        raise InvalidInput(
            "请选择签署方式：书面签字或窗口屏幕输入。",
            "Choose how it was signed: on paper or on the window's screen.",
            field="method",
        )
    if method == "paper" and not confirmed:
        raise InvalidInput(
            "请确认申请人已在打印的承诺书上签字。",
            "Confirm that the applicant signed the printed letter.",
            field="confirmed",
        )
    refused_because(session, case)
    read = letter(session, case=case, now=now)
    witness = signing.Witness(clerk=clerk, method=method)
    return signing.sign_text(
        session,
        case=case,
        user=clerk,
        read=read,
        name=name,
        store=store,
        now=now,
        witness=witness,
    )
