"""Starting a draft (创建申请): who may start one for whom (the applicant, a window clerk
for a walk-in, an agent under the applicant's authorisation), the entry's current
version (tailored by the situation answers), the case number and the shared fields
pulled at once. Filling it in is ``drafting.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts import authorisations
from tongban.accounts.enums import Role
from tongban.accounts.models import Authorisation, User
from tongban.accounts.service import actor_of
from tongban.audit import service as audit
from tongban.audit.service import Actor
from tongban.cases.core import clocks, definition
from tongban.cases.enums import CaseState, Channel
from tongban.cases.models import Case
from tongban.cases.stages.drafting import with_shared
from tongban.catalog import service as catalog
from tongban.catalog.enums import ApprovalMode
from tongban.errors import Conflict, NotAllowed
from tongban.forms import service as formcheck
from tongban.workdays.calendar import WorkCalendar


def case_number(case: Case, cal: WorkCalendar, division: str) -> str:
    local = case.created_at.astimezone(cal.tz)
    return f"{division}{local:%Y%m%d}{case.id:07d}"


def _check_creator(
    applicant: User, created_by: User | None, authorisation: Authorisation | None
) -> None:
    """Staff never apply for themselves; on someone's behalf apply only window clerks
    (代办 for a walk-in) and agents under the applicant's authorisation (授权委托)."""
    if applicant.is_staff:
        raise NotAllowed(
            "工作人员请使用窗口代办功能。", "Staff apply on behalf through the window."
        )
    if created_by in (None, applicant) or created_by.has_role(Role.clerk):
        return
    if (
        authorisation is None
        or authorisation.agent_id != created_by.id
        or authorisation.grantor_id != applicant.id
    ):
        raise NotAllowed(
            "只有窗口受理人员或获得申请人授权的受托人可以代办申请。",
            "Only window clerks, or agents the applicant authorised, apply on their behalf.",
        )


def create_case(
    session: Session,
    *,
    applicant: User,
    code: str,
    form_data: dict[str, Any],
    now: datetime,
    created_by: User | None = None,
    channel: Channel | None = None,
    authorisation: Authorisation | None = None,
    situations: Mapping[str, str] | None = None,
) -> Case:
    """Start a draft case of an item or bundle for an applicant, or by a clerk on their
    behalf, or by an agent under the applicant's ``authorisation`` (checked live for the
    item by ``accounts.authorisations.live``), recording the ``channel`` it came through
    (办事渠道; by default ``window`` for a clerk's, ``agent`` for an agent's, ``web`` for
    the applicant's own). ``situations`` answers the entry's situation questions (情形引导,
    ``{question: option}``): the case then asks only what applies (``open_case``).

    A proactive entry (免申即享) takes no application: Conflict ``proactive_entry``; its
    cases are opened by the platform (``granting``)."""
    _check_creator(applicant, created_by, authorisation)
    version = catalog.get_entry(session, code=code).current_version
    assert version is not None
    check_applies(version.definition)
    default = Channel.web
    if created_by is not None and created_by is not applicant:
        default = Channel.agent if authorisation is not None else Channel.window
    case = open_case(
        session,
        applicant=applicant,
        creator=created_by or applicant,
        code=code,
        form_data=form_data,
        now=now,
        channel=channel or default,
        situations=situations,
    )
    case.authorisation = authorisation
    return case


def create_case_as_agent(
    session: Session,
    *,
    agent: User,
    authorisation_id: int,
    code: str,
    form_data: dict[str, Any],
    now: datetime,
    situations: Mapping[str, str] | None = None,
) -> Case:
    """Start a draft for the grantor of ``authorisation_id`` by its agent (channel
    ``agent``): the case is the grantor's. Raises what ``authorisations.grantor_for`` raises."""
    grantor, live = authorisations.grantor_for(
        session, agent=agent, authorisation_id=authorisation_id, code=code, now=now
    )
    return create_case(
        session,
        applicant=grantor,
        code=code,
        form_data=form_data,
        now=now,
        created_by=agent,
        authorisation=live,
        situations=situations,
    )


def check_applies(spec: dict[str, Any]) -> None:
    """Conflict ``proactive_entry`` for a proactive entry (免申即享): nobody applies for it;
    the platform finds who is eligible and tells them (``tongban.benefits``)."""
    if spec["approval_mode"] == ApprovalMode.proactive:
        raise Conflict(
            f"“{spec['name']}”免申即享，无需申请：符合条件的，系统会主动通知您，"
            "在“我的免申即享”中确认即可。",
            f"'{spec.get('name_en') or spec['code']}' is a proactive benefit: nobody "
            "applies; the platform finds who is eligible and tells them (My benefits).",
            code="proactive_entry",
        )


def check_subject(spec: dict[str, Any], applicant: User) -> None:
    """NotAllowed ``wrong_subject`` when ``applicant`` is not of a kind the entry serves
    (``subject``: 自然人 ``person``, 法人 ``enterprise``), saying who applies and how:
    checked before the form is shown and when a draft starts, so nobody fills in a form
    they cannot submit (the guide offers no application to that account either)."""
    refusal = catalog.subject_refusal(spec, applicant.kind)
    if refusal is not None:
        raise refusal


def open_case(
    session: Session,
    *,
    applicant: User,
    creator: User,
    code: str,
    form_data: dict[str, Any],
    now: datetime,
    channel: Channel,
    actor: Actor | None = None,
    situations: Mapping[str, str] | None = None,
) -> Case:
    """A new draft of the entry's current version (no check of who may create it): the
    form cleaned and its shared fields pulled; audited as ``case.create`` by ``actor``
    (default: the creator), with the ``channel`` it came through.

    With ``situations`` (each question of the entry answered, else InvalidInput from
    ``catalog.check_answers``) the draft runs on the tailored definition: its form,
    materials and departments are those the answers leave; the materials asked and
    listed are kept on the case (``materials_asked`` / ``materials_listed``) and in the
    audit entry, for the figures of 减材料."""
    entry = catalog.get_entry(session, code=code)
    version = entry.current_version
    assert version is not None
    answers = catalog.check_answers(version.definition, situations) if situations else {}
    spec = catalog.tailor(version.definition, answers)
    catalog.check_accepting(session, definition=spec)  # a bundle with a withdrawn item
    check_subject(spec, applicant)
    cleaned = formcheck.clean(spec["form"], form_data)
    case = Case(
        number=f"draft-{now.timestamp()}-{applicant.id}",
        applicant_id=applicant.id,
        created_by_id=creator.id,
        catalog_version_id=version.id,
        catalog_code=entry.code,
        title=spec["name"],
        lead_department=spec["department"],
        state=CaseState.draft,
        form_data={},  # filled below, the shared fields with it
        delivery=definition.default_delivery(spec),
        channel=channel,
        joint=len(definition.departments(spec)) > 1,
        join_rule=definition.join_rule(spec),
        created_at=now,
        situation_answers=answers,
    )
    if answers:
        case.materials_asked, case.materials_listed = catalog.reduction(version.definition, answers)
    session.add(case)
    session.flush()
    division = catalog.get_department(session, code=case.lead_department).division_code
    case.number = case_number(case, clocks.calendar(session), division)
    case.form_data = with_shared(session, case, applicant, creator, spec, now, cleaned)
    audit.record(
        session,
        at=now,
        action="case.create",
        actor=actor or actor_of(creator),
        object_type="case",
        object_id=case.number,
        case_id=case.id,
        subject_id=applicant.id,
        to_state=case.state,
        data={
            "channel": channel,
            **({"on_behalf_of": applicant.id} if creator is not applicant else {}),
            **(_situation_data(case) if answers else {}),
        },
    )
    return case


def _situation_data(case: Case) -> dict[str, Any]:
    return {
        "situations": case.situation_answers,
        "materials_asked": case.materials_asked,
        "materials_listed": case.materials_listed,
    }
