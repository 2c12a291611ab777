"""Drafts and their materials (申请材料): start a draft, fill in the form, attach files,
and the one check that says whether a draft is complete enough to be submitted.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.enums import Role
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit import service as audit
from tongban.audit.service import Actor
from tongban.cases.core import access, clocks, definition, hooks, prefill
from tongban.cases.enums import CaseState, Channel, TrustLevel
from tongban.cases.materials import provision
from tongban.cases.models import Case, Material
from tongban.cases.stages import postal
from tongban.catalog import service as catalog
from tongban.catalog.enums import ApprovalMode, MaterialWay
from tongban.errors import Conflict, InvalidInput, NotAllowed, not_a_choice
from tongban.files import service as files
from tongban.files.store import FileStore
from tongban.forms import service as formcheck
from tongban.timeutil import utcnow
from tongban.workdays.calendar import WorkCalendar


def case_number(case: Case, cal: WorkCalendar, division: str) -> str:
    local = case.created_at.astimezone(cal.tz)
    return f"{division}{local:%Y%m%d}{case.id:07d}"


def _check_creator(applicant: User, created_by: User | None) -> None:
    """Staff never apply for themselves; only window clerks take in for a walk-in (代办)."""
    if applicant.is_staff:
        raise NotAllowed(
            "工作人员请使用窗口代办功能。", "Staff apply on behalf through the window."
        )
    if created_by not in (None, applicant) and not created_by.has_role(Role.clerk):
        raise NotAllowed("只有窗口受理人员可以代办申请。", "Only window clerks take in on behalf.")


def create_case(
    session: Session,
    *,
    applicant: User,
    code: str,
    form_data: dict[str, Any],
    now: datetime,
    created_by: User | None = None,
    channel: Channel | None = None,
) -> Case:
    """Start a draft case of an item or bundle for an applicant, or by a clerk on their
    behalf, recording the ``channel`` it came through (办事渠道; by default ``window``
    for a clerk's, ``web`` for the applicant's own).

    A proactive entry (免申即享) takes no application: Conflict ``proactive_entry``; its
    cases are opened by the platform (``granting``)."""
    _check_creator(applicant, created_by)
    version = catalog.get_entry(session, code=code).current_version
    assert version is not None
    check_applies(version.definition)
    return open_case(
        session,
        applicant=applicant,
        creator=created_by or applicant,
        code=code,
        form_data=form_data,
        now=now,
        channel=channel or (Channel.window if created_by is not None else Channel.web),
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
) -> Case:
    """A new draft of the entry's current version (no check of who may create it): the
    form cleaned and its shared fields pulled; audited as ``case.create`` by ``actor``
    (default: the creator), with the ``channel`` it came through."""
    entry = catalog.get_entry(session, code=code)
    version = entry.current_version
    assert version is not None
    spec = version.definition
    catalog.check_accepting(session, definition=spec)  # a bundle with a withdrawn item
    if applicant.kind not in definition.subjects(spec):
        who = "企业（法人）" if applicant.kind == "person" else "自然人"
        raise InvalidInput(
            f"“{spec['name']}”只能由{who}申请，请使用相应账号。",
            f"'{spec.get('name_en') or spec['name']}' is for another kind of applicant.",
            field="code",
        )
    case = Case(
        number=f"draft-{now.timestamp()}-{applicant.id}",
        applicant_id=applicant.id,
        created_by_id=creator.id,
        catalog_version_id=version.id,
        catalog_code=entry.code,
        title=spec["name"],
        lead_department=spec["department"],
        state=CaseState.draft,
        form_data=formcheck.clean(spec["form"], form_data),
        delivery=definition.default_delivery(spec),
        channel=channel,
        joint=len(definition.departments(spec)) > 1,
        join_rule=definition.join_rule(spec),
        created_at=now,
    )
    session.add(case)
    session.flush()
    division = catalog.get_department(session, code=case.lead_department).division_code
    case.number = case_number(case, clocks.calendar(session), division)
    case.form_data = _with_shared(session, case, applicant, creator, spec, now, case.form_data)
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
        },
    )
    return case


def _with_shared(
    session: Session,
    case: Case,
    applicant: User,
    actor: User,
    spec: dict[str, Any],
    now: datetime,
    answers: dict[str, Any],
) -> dict[str, Any]:
    """``answers`` with the pulled (locked) fields from their sources; InvalidInput (the
    case unchanged) when one was changed."""
    request = prefill.FillRequest(
        applicant=applicant,
        actor=actor,
        spec=spec,
        answers=answers,
        case=case,
        now=now,
        saving=True,
    )
    return prefill.enforce(session, request)


def update_form(
    session: Session,
    *,
    case: Case,
    user: User,
    form_data: dict[str, Any],
    delivery: str | None,
    postal_address: Mapping[str, Any] | None = None,
    now: datetime | None = None,
) -> Case:
    """Save form answers of a draft or of a case in correction (identifiers normalised), with
    the delivery chosen and, for delivery by post, the mailing address (checked in full at
    submission). Fields pulled from a shared source keep the source's value (``prefill``):
    a changed one is refused with InvalidInput, nothing saved."""
    access.check_owner(user, case)
    if case.state not in (CaseState.draft, CaseState.correction_requested):
        raise Conflict(
            "只有草稿或补正中的办件可以修改。", "Only drafts or cases in correction can change."
        )
    spec = definition.spec_of(session, case)
    applicant = session.get(User, case.applicant_id)
    assert applicant is not None
    cleaned = formcheck.clean(spec["form"], form_data)
    case.form_data = _with_shared(session, case, applicant, user, spec, now or utcnow(), cleaned)
    if delivery is not None:
        offered = definition.delivery_options(spec)
        if delivery not in offered:
            names = definition.DELIVERY_NAMES
            raise not_a_choice(
                what=("送达方式", "delivery method"),
                value=delivery,
                choices={way: names.get(way, (way, way)) for way in offered},
                field="delivery",
            )
        case.delivery = delivery
    if postal_address is not None:
        postal.save_address(session, case=case, address=postal_address)
    return case


def add_material(
    session: Session,
    *,
    case: Case,
    user: User,
    material_code: str,
    filename: str,
    data: bytes,
    store: FileStore,
    max_bytes: int,
    now: datetime,
) -> Material:
    """Attach an uploaded file to a material of the case, replacing an earlier one; a
    material the catalog has the platform provide (generated, signed online, verified by
    its issuer, with no upload to fall back on) takes none. After submission only a
    material a registered late upload allows (容缺: awaited after acceptance)."""
    access.check_owner(user, case)
    late = None
    if case.state not in (CaseState.draft, CaseState.correction_requested):
        late = hooks.late_upload(session, case, material_code, now)
        if late is None:
            raise Conflict(
                "办件已提交，不能再上传材料（容缺受理的办件可在补齐期限内上传所缺材料）。",
                "The case was submitted; uploads are closed (a case accepted with "
                "deficiencies takes its missing materials until their deadline).",
            )
    wanted = definition.material(definition.spec_of(session, case), material_code)
    if wanted is None:
        raise InvalidInput(
            f"本事项没有材料“{material_code}”。",
            f"No material '{material_code}'.",
            field="material_code",
        )
    if not provision.needs_applicant(wanted):
        raise InvalidInput(
            f"“{wanted['name']}”由平台提供，无需上传。",
            f"'{wanted.get('name_en') or material_code}' is provided by the platform; "
            "no upload is needed.",
            field="material_code",
        )
    checked = files.check_upload(
        filename=filename, data=data, allowed=wanted.get("formats"), max_bytes=max_bytes
    )
    old = provision.current_rows(session, case=case).get(material_code)
    if old is not None:
        old.replaced_at = now
    material = Material(
        case_id=case.id,
        material_code=material_code,
        way=MaterialWay.upload,
        trust_level=TrustLevel.c,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=store.put(data),
        uploaded_by_id=user.id,
        uploaded_at=now,
    )
    material.storage_key = material.sha256
    session.add(material)
    session.flush()
    if late is not None:
        late.uploaded(session, case, material, now)
    return material


def current_materials(session: Session, *, case: Case) -> list[Material]:
    """The material rows in force (one per material at most), oldest first."""
    return sorted(provision.current_rows(session, case=case).values(), key=lambda row: row.id)


def check_open(session: Session, *, case: Case) -> None:
    """Raise Conflict when the case's item (or bundle, or an item of it) was withdrawn from
    the catalog: such a case cannot be submitted or resubmitted. It stays readable and may
    still be saved or withdrawn, so nothing the applicant entered is lost."""
    catalog.check_accepting(session, definition=definition.spec_of(session, case))


def check_complete(session: Session, *, case: Case, now: datetime) -> None:
    """Raise InvalidInput listing every problem that stops the case from being submitted:
    form answers, the mailing address, and each required material no declared way
    satisfies (``materials.provision``).

    Submission, resubmission and the review page all ask this one question.
    """
    spec = definition.spec_of(session, case)
    found = formcheck.problems(spec["form"], case.form_data, today=timefmt.local(now).date())
    if case.delivery == "mail":
        found += postal.problems(case.postal)
    found += provision.problems(provision.resolve(session, case=case, now=now))
    if found:
        raise InvalidInput(
            "申请还有需要完善的地方，请按提示修改后再提交。",
            "The application is incomplete; fix the fields listed.",
            details=found,
        )
