"""Granting a proactive benefit (免申即享): the platform opens the case itself for a person
or enterprise a policy found eligible, and runs every stage the item lists at once.

The case is real: it is numbered, its form is filled from the shared sources (nothing is
asked), it is received, accepted and decided with every move audited, its result
documents are issued and delivered online, and it counts in the figures like any other.
Who opens it is the caller's ``actor``: the person who accepted with one click, or the
platform (``SYSTEM``) for a policy that grants with no action; acceptance, decision and
issue are the policy's (``POLICY_ACTOR``), as no official handles them. The decision
states the policy's grounds (``basis``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.audit.names import BY_POLICY
from tongban.audit.service import Actor, platform_actor
from tongban.cases.core.definition import spec_of
from tongban.cases.core.machine import Event
from tongban.cases.core.transition import change_state, finish_task
from tongban.cases.enums import CaseState, Channel, Stage, TaskOutcome, TaskState
from tongban.cases.models import Case
from tongban.cases.stages import documents
from tongban.cases.stages.intake import _accept, _start_acceptance, _take_materials
from tongban.cases.stages.opening import open_case
from tongban.cases.stages.progress import move_on
from tongban.files.store import FileStore

POLICY_ACTOR = platform_actor(BY_POLICY)


def _finish_open(
    session: Session, case: Case, stage: Stage, actor: Actor, opinion: str, now: datetime
) -> None:
    """Finish the case's open task of ``stage`` as approved."""
    for task in case.tasks:
        if task.stage == stage and task.state == TaskState.open:
            finish_task(
                session,
                task=task,
                outcome=TaskOutcome.approved,
                actor=actor,
                opinion=opinion,
                now=now,
            )


def grant_case(
    session: Session,
    *,
    applicant: User,
    code: str,
    actor: Actor,
    basis: str,
    now: datetime,
    store: FileStore,
) -> Case:
    """Open, receive, accept and approve a case of proactive item ``code`` for ``applicant``
    at ``now``; its results are issued and delivered online (state ``completed``).
    ``actor`` opens and submits it (the applicant's one click, or the system); acceptance,
    approval and issue are the policy's (``POLICY_ACTOR``): no official handled them.

    ``basis`` (the policy's conditions that held) is the opinion of each step. Raises
    InvalidInput when a source could not fill a required field (the caller keeps the offer
    and tries again later); nothing is left behind then, as the caller rolls back.
    """
    case = open_case(
        session,
        applicant=applicant,
        creator=applicant,
        code=code,
        form_data={},
        now=now,
        channel=Channel.proactive,
        actor=actor,
    )
    _take_materials(session, case, now, store)
    change_state(session, now=now, case=case, event=Event.submit, actor=actor, opinion=basis)
    case.submitted_at = case.received_at = now
    _start_acceptance(session, case, now, POLICY_ACTOR)
    _finish_open(session, case, Stage.accept, POLICY_ACTOR, basis, now)
    _accept(session, case, Event.accept, POLICY_ACTOR, basis, now, now, store)
    if case.state == CaseState.in_decision:
        _finish_open(session, case, Stage.decide, POLICY_ACTOR, basis, now)
        move_on(
            session,
            case,
            event=Event.approve,
            actor=POLICY_ACTOR,
            now=now,
            store=store,
            opinion=basis,
        )
    if case.state == CaseState.issuing:
        _finish_open(session, case, Stage.issue, POLICY_ACTOR, basis, now)
        documents.issue_results(
            session, case=case, spec=spec_of(session, case), store=store, now=now
        )
        move_on(
            session,
            case,
            event=Event.issue,
            actor=POLICY_ACTOR,
            now=now,
            store=store,
            opinion=basis,
        )
    return case
