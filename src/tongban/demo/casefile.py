"""What the platform writes beside a simulated case's own rows (``demo.traffic``), so that
its page and the reform figures read like a real case's: the audit entries of its steps
(its timeline: submitted, accepted, each task's outcome, decided, issued …) at their
simulated moments; the results of an issued case, issued by the live issuing path (signed
e-licences in the licence library, their faces printed by the worker's ``licence.print``
job) and the written decision of a case closed against its applicant (printed by the
``document.print`` job as any official document is); how its shared form fields were
filled (``FieldFill``, what the backfill rate 回填率 counts); and the one rating
invitation (智能邀评) of a finished case not rated within ``rating_invite_after_days``
days, at the moment it fell due.

Rows go into the batch (``Rows``); the audit entries are recorded after the batch's rows
are written (:func:`record_steps`), with their messages, as simulated history
(``audit.simulating``);
then the batch's results are issued (:func:`issue_results`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tongban.audit import service as audit
from tongban.audit.service import Actor
from tongban.cases.core.machine import STAGE_DONE, action_of
from tongban.cases.enums import CaseState, Stage, TaskState
from tongban.cases.models import Case
from tongban.cases.stages import documents, intake
from tongban.catalog.sources import source_refs
from tongban.config import get_settings
from tongban.demo.history import ENDS_ENTERPRISE
from tongban.files.store import FileStore
from tongban.jobs import service as jobs

if TYPE_CHECKING:
    from tongban.demo.traffic import Item, Rows, Traffic

PULLED = 0.9  # shared fields their source filled; the rest typed by hand, for a reason
TYPED_BECAUSE = ("no_record", "unavailable", "invalid")
# who finishes each stage (the simulated tasks name no person)
STAFF = {
    Stage.accept: audit.platform_actor("窗口受理人员"),
    Stage.review: audit.platform_actor("审查人员"),
    Stage.decide: audit.platform_actor("审批人员"),
    Stage.issue: audit.platform_actor("制证人员"),
    Stage.deliver: audit.platform_actor("送达人员"),
}
# the case's move when a stage is done, as the machine names it
MOVES = {stage: action_of(event) for stage, event in STAGE_DONE.items()}


@dataclass(frozen=True)
class Step:
    """One audit entry of a simulated case, about the case itself or about ``thing`` of it
    (a task, a rating: its object type and id)."""

    case: dict[str, Any]  # the case's row: its id, number and applicant
    at: datetime
    action: str
    actor: Actor
    from_state: str | None = None
    to_state: str | None = None
    data: dict[str, Any] | None = None
    thing: tuple[str, int] | None = None
    opinion: str | None = None


def staff(stage: Stage, department: str) -> Actor:
    """Who in ``department`` finished ``stage``."""
    return Actor(id=None, name=STAFF[stage].name, department_code=department)


def task_done(case: dict[str, Any], task: dict[str, Any]) -> Step:
    """The entry of a task finished by its department (``task.approved``, or
    ``task.refused`` by the department that says no to the case)."""
    data = {
        "stage": task["stage"],
        "department": task["department_code"],
        "item": task["item_code"],
    }
    staffer = staff(task["stage"], task["department_code"])
    return Step(
        case, task["finished_at"], f"task.{task['outcome']}", staffer, TaskState.open,
        TaskState.done,
        data, ("task", task["id"]),
    )  # fmt: skip


def rated(case: dict[str, Any], rating: dict[str, Any], applicant: Actor) -> list[Step]:
    """The entries of a rating (with the department's message of a bad one) and of its
    rectification, as ``ratings.service`` writes them."""
    bad = rating["rectify_due_at"]
    data = {
        "score": rating["score"],
        "stage": rating["stage"],
        "round": rating["round"],
        "channel": rating["channel"],
        "tags": rating["tags"],
        "department": rating["department_code"],
        "bad_for_department": rating["department_code"] if bad else None,
        "rectify_due_at": bad.isoformat() if bad else None,
    }
    thing = ("rating", rating["id"])
    made = [
        Step(case, rating["created_at"], "rating.create", applicant, data=data, thing=thing,
             opinion=rating["comment"])
    ]  # fmt: skip
    done = rating["rectified_at"]
    if done is not None:
        head = Actor(
            id=None, name=rating["rectified_by"], department_code=rating["department_code"]
        )
        made.append(
            Step(case, done, "rating.rectify", head, thing=thing, opinion=rating["rectification"],
                 data={"score": rating["score"], "on_time": done < bad})
        )  # fmt: skip
    return made


def record_steps(session: Session, steps: list[Step]) -> None:
    """The audit entries (and their messages) of a batch's steps, written now."""
    for step in steps:
        kind, ident = step.thing or ("case", step.case["number"])
        audit.record(
            session,
            at=step.at,
            action=step.action,
            actor=step.actor,
            object_type=kind,
            object_id=ident,
            case_id=step.case["id"],
            subject_id=None if kind == "task" else step.case["applicant_id"],
            from_state=step.from_state,
            to_state=step.to_state,
            opinion=step.opinion,
            data=step.data,
        )
    audit.write_now(session)


def form_of(traffic: Traffic, applicant: int, item: Item) -> dict[str, Any]:
    """What a simulated case's form holds: an enterprise's own name and credit code where
    the item's form asks for them, as the enterprise register fills and locks them on a
    real form, so that its results name the enterprise (``licences.holders``); nothing on
    a deregistration (注销), whose result would strike the demo enterprise off."""
    if any(part["result"].get("name") in ENDS_ENTERPRISE for part in item.spec["items"]):
        return {}
    asked = item.spec["form"]["properties"]
    return {k: v for k, v in traffic.companies.get(applicant, {}).items() if k in asked}


def fill_fields(traffic: Traffic, rows: Rows, case_id: int, item: Item) -> None:
    """How each shared field of the case's form was filled: mostly pulled from its source,
    some typed by hand for a reason the dashboard lists (no record, source down, refused)."""
    rng = traffic.rng
    for part in item.spec["items"]:
        for name, prop in part["form"]["properties"].items():
            found = source_refs(prop)
            if not found:
                continue
            pulled = rng.random() < PULLED
            row = {
                "case_id": case_id,
                "item_code": part["code"],
                "department": part["department"],
                "field": name,
                "source": found[0][0],
                "state": "pulled" if pulled else "typed",
                "reason": None if pulled else rng.choice(TYPED_BECAUSE),
            }
            rows.add("field_fills", row)


def issue(rows: Rows, case: dict[str, Any], item: Item, at: datetime) -> None:
    """Note that the case issues its results at ``at``: they are issued once the batch's
    rows are written (:func:`issue_results`)."""
    rows.issued.append((case["id"], item, at))


def issue_results(session: Session, rows: Rows, *, store: FileStore) -> None:
    """Issue the results of the batch's issued cases as a live case's issuing stage does
    (``documents.issue_results``), each at its simulated moment: a signed e-licence per
    result in the licence library with its result document, the ``licence.issued`` entry,
    the sources it feeds and its print job, due then (the worker draws and signs the PDF
    face afterwards, as it does for every licence)."""
    if not rows.issued:
        return
    ids = [case_id for case_id, _item, _at in rows.issued]
    query = select(Case).where(Case.id.in_(ids)).options(selectinload(Case.tasks))
    cases = {case.id: case for case in session.scalars(query)}
    for case_id, item, at in rows.issued:
        documents.issue_results(session, case=cases[case_id], spec=item.spec, store=store, now=at)


def decided_against(
    traffic: Traffic, rows: Rows, case: dict[str, Any], item: Item, at: datetime, *, reason: str
) -> None:
    """The written decision of a case closed against its applicant at ``at``, worded as
    the platform words it: a rejected case's 不予受理通知书 (``intake.reject_case``), a
    refused one's 不予行政许可决定书 or 不予备案决定书 (``documents.issue_refusal``);
    printed by the worker like the results (:func:`queue_prints`)."""
    applicant = traffic.names.get(case["applicant_id"], "")
    head = [("申请人", applicant), ("办件编号", case["number"])]
    word: str | None = None
    if case["state"] == CaseState.rejected:
        kind, title, footer = "rejection", intake.REJECTION_TITLE, intake.REJECTION_REMEDIES
        sheet = head + intake.rejection_lines(case["title"], reason=reason, now=at)
    else:
        kind, footer = "refusal", documents.REMEDIES
        title, word, sheet = documents.refusal_sheet(
            item.spec, applicant=applicant, number=case["number"], reasons=reason
        )
    row: dict[str, Any] = {
        "case_id": case["id"],
        "item_code": None,
        "title": title,
        "kind": kind,
        "storage_key": "",
        "issued_at": at,
        "valid_until": None,
        "verification_code": f"{traffic.rng.getrandbits(96):024x}",
        "content": {
            "issuer": traffic.departments[item.lead],
            "rows": [list(line) for line in sheet],
            "footer": footer,
        },
    }
    ident = rows.add("result_documents", row)
    row["number"] = documents.document_number(item.lead, kind, ident, at, word=word)


def queue_prints(session: Session, rows: Rows, *, now: datetime) -> None:
    """The print job of each result document of the batch, due when it was issued."""
    made = rows.tables.get("result_documents", [])
    jobs.enqueue_new(
        session,
        kind=documents.PRINT_JOB,
        jobs=[
            (f"{documents.PRINT_JOB}:{row['id']}", row["issued_at"], {"document_id": row["id"]})
            for row in made
        ],
        now=now,
    )


def invite(
    traffic: Traffic, rows: Rows, case: dict[str, Any], *, rated_at: datetime | None
) -> None:
    """The invitation to rate (智能邀评) of a finished case not rated within
    ``rating_invite_after_days`` days, sent when that time ran out, as the worker's sweep
    sends it; none for a case rated in time or whose time has not run out."""
    days = get_settings().rating_invite_after_days
    due = case["closed_at"] + timedelta(days=days)
    if due > traffic.now or (rated_at is not None and rated_at <= due):
        return
    rows.add("rating_invitations", {"case_id": case["id"], "invited_at": due})
    rows.steps.append(Step(case, due, "rating.invite", audit.SYSTEM, data={"after_days": days}))
