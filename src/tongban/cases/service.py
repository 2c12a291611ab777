"""The cases domain promises: a case moves only along the state machine in
``machine.py``; every move is audited with its actor and opinion in the same
transaction; each stage and the whole case carry due times counted in working days
(or office hours) that pause for corrections and art. 45 procedures; accepted cases
fan out into parallel department reviews joined by ``review.decide``; a department or an
applicant sees only what is theirs; a department's task is held by one person drawn by
the platform (人员随机分配), and only its holder acts on it (``assignment``).

This module is the only one other domains and the web layer import.
"""

from tongban.cases.assignment.holding import (
    candidates,
    delegate_tasks,
    held_tasks,
    holder_away,
    may_reassign,
    reassign_task,
    refusal_to_take,
    set_absence,
    take_task,
)
from tongban.cases.assignment.load import DepartmentLoad, load_by_department
from tongban.cases.assignment.pool import COUNTER_STAGES
from tongban.cases.core.access import may_see_event
from tongban.cases.core.clocks import calendar
from tongban.cases.core.definition import spec_of
from tongban.cases.core.keyset import Cursor as PageCursor
from tongban.cases.core.queries import (
    case_time_left,
    corrections,
    get_case,
    get_case_fees,
    get_material,
    get_result,
    get_task,
    legal_time_left,
    list_my_cases,
    materials,
    results,
    task_time_left,
    timeline,
)
from tongban.cases.core.queue import URGENCIES, QueuePage, QueueRow
from tongban.cases.core.queue import page as queue_page
from tongban.cases.core.queue import unstaffed_at as unstaffed_tasks
from tongban.cases.core.received import on_received
from tongban.cases.core.taken_in import (
    TAKEN_IN_PAGE,
    TakenInPage,
    list_taken_in,
    unfinished_drafts,
)
from tongban.cases.core.transition import actionable_task, may_act, record_case, refusal_to_act
from tongban.cases.materials.provision import field_problems as typed_number_problems
from tongban.cases.materials.provision import needs_applicant as asks_upload
from tongban.cases.materials.provision import resolve as material_ways
from tongban.cases.materials.provision import settle_verified, upload_first
from tongban.cases.materials.registry import Provided, ProvidedFile, Unavailable
from tongban.cases.materials.registry import register as register_provider
from tongban.cases.materials.reusable import Reusable, list_reusable, reuse_material
from tongban.cases.materials.reusable import offers as reusable_offers
from tongban.cases.materials.signing import letter, sign_material
from tongban.cases.materials.trust import check_original, level_name
from tongban.cases.stages.automatic import decide_automatically
from tongban.cases.stages.correction import request_correction
from tongban.cases.stages.decision import approve_by_rule, approve_case, refuse_case
from tongban.cases.stages.delivery import (
    confirm_delivery,
    deliver_result,
    delivery_failed,
    issue_result,
)
from tongban.cases.stages.documents import DocumentCheck, issue_notice, verify_document
from tongban.cases.stages.drafting import (
    add_material,
    check_complete,
    check_open,
    date_document,
    update_form,
)
from tongban.cases.stages.forwarding import check_receivable, may_receive
from tongban.cases.stages.granting import grant_case
from tongban.cases.stages.intake import (
    accept_case,
    deem_accepted,
    reject_case,
    resubmit_case,
    submit_case,
    withdraw_case,
)
from tongban.cases.stages.limits import (
    applicant_done,
    extend_limit,
    needed_until,
    pause_clock,
    procedure_done,
    resume_clock,
    wait_for_applicant,
)
from tongban.cases.stages.opening import (
    check_applies,
    check_subject,
    create_case,
    create_case_as_agent,
)
from tongban.cases.stages.progress import terminate
from tongban.cases.stages.rounds import (
    approve_opening_review,
    review_again,
    review_by_rule,
    review_task,
)
from tongban.cases.tasks import run_deemed_acceptance

__all__ = [
    "COUNTER_STAGES",
    "TAKEN_IN_PAGE",
    "URGENCIES",
    "DepartmentLoad",
    "DocumentCheck",
    "PageCursor",
    "Provided",
    "ProvidedFile",
    "QueuePage",
    "QueueRow",
    "Reusable",
    "TakenInPage",
    "Unavailable",
    "accept_case",
    "actionable_task",
    "add_material",
    "applicant_done",
    "approve_by_rule",
    "approve_case",
    "approve_opening_review",
    "asks_upload",
    "calendar",
    "candidates",
    "case_time_left",
    "check_applies",
    "check_complete",
    "check_open",
    "check_original",
    "check_receivable",
    "check_subject",
    "confirm_delivery",
    "corrections",
    "create_case",
    "create_case_as_agent",
    "date_document",
    "decide_automatically",
    "deem_accepted",
    "delegate_tasks",
    "deliver_result",
    "delivery_failed",
    "extend_limit",
    "get_case",
    "get_case_fees",
    "get_material",
    "get_result",
    "get_task",
    "grant_case",
    "held_tasks",
    "holder_away",
    "issue_notice",
    "issue_result",
    "legal_time_left",
    "letter",
    "level_name",
    "list_my_cases",
    "list_reusable",
    "list_taken_in",
    "load_by_department",
    "material_ways",
    "materials",
    "may_act",
    "may_reassign",
    "may_receive",
    "may_see_event",
    "needed_until",
    "on_received",
    "pause_clock",
    "procedure_done",
    "queue_page",
    "reassign_task",
    "record_case",
    "refusal_to_act",
    "refusal_to_take",
    "refuse_case",
    "register_provider",
    "reject_case",
    "request_correction",
    "resubmit_case",
    "results",
    "resume_clock",
    "reusable_offers",
    "reuse_material",
    "review_again",
    "review_by_rule",
    "review_task",
    "run_deemed_acceptance",
    "set_absence",
    "settle_verified",
    "sign_material",
    "spec_of",
    "submit_case",
    "take_task",
    "task_time_left",
    "terminate",
    "timeline",
    "typed_number_problems",
    "unfinished_drafts",
    "unstaffed_tasks",
    "update_form",
    "upload_first",
    "verify_document",
    "wait_for_applicant",
    "withdraw_case",
]
