"""Drafts and their materials (申请材料): fill in the form (shared fields kept locked),
attach files, and the one check that says whether a draft is complete enough to be
submitted. A draft is started in ``opening.py``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.models import User
from tongban.cases.core import access, definition, hooks, prefill
from tongban.cases.enums import CaseState, TrustLevel
from tongban.cases.materials import provision, validity
from tongban.cases.models import Case, Material
from tongban.cases.stages import postal
from tongban.catalog import service as catalog
from tongban.catalog.enums import MaterialWay
from tongban.errors import Conflict, InvalidInput, not_a_choice
from tongban.files import service as files
from tongban.files.store import FileStore
from tongban.forms import service as formcheck
from tongban.timeutil import utcnow


def with_shared(
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
    check_address: bool = False,
) -> Case:
    """Save form answers of a draft or of a case in correction (identifiers normalised), with
    the delivery chosen and, for delivery by post, the mailing address: checked in full at
    submission, and at once when ``check_address`` and post is chosen or an address given
    (the API: a client hears of a wrong address when it sends it; a page keeps a half-typed
    one, saved as it is typed, and says what to fix at submission). Raises
    ``InvalidInput`` for a wrong one, nothing saved. Fields pulled from a shared source keep the source's value (``prefill``):
    a changed one is refused with InvalidInput, nothing saved; so is a township or street
    outside the district the form names (属地, ``catalog.misplaced``)."""
    access.check_owner(user, case)
    if case.state not in (CaseState.draft, CaseState.correction_requested):
        raise Conflict(
            "只有草稿或补正中的办件可以修改。", "Only drafts or cases in correction can change."
        )
    spec = definition.spec_of(session, case)
    applicant = session.get(User, case.applicant_id)
    assert applicant is not None
    cleaned = formcheck.clean(spec["form"], form_data)
    filled = with_shared(session, case, applicant, user, spec, now or utcnow(), cleaned)
    check_places(spec, filled)
    case.form_data = filled
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
    if check_address and (postal_address is not None or delivery == "mail"):
        postal.check_address(case)
    return case


def check_places(spec: definition.Definition, form: Mapping[str, Any]) -> None:
    """InvalidInput naming the field when ``form`` chooses a township or street office
    outside the district it names (the household's street office alone takes a 低保
    application: 《社会救助暂行办法》第十一条)."""
    found = catalog.misplaced(spec, form)
    if found:
        raise InvalidInput(
            "所选乡镇(街道)不在所属区内，请按提示修改；已保存的内容未改动。",
            "The township chosen does not lie in the district; nothing saved was changed.",
            field=found[0]["field"],
            details=found,
        )


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
    valid_until: str | None = None,
) -> Material:
    """Attach an uploaded file to a material of the case, replacing an earlier one; a
    material the catalog has the platform provide (generated, signed online, verified by
    its issuer, with no upload to fall back on) takes none. After submission only a
    material a registered late upload allows (容缺: awaited after acceptance). An identity
    document's expiry (``valid_until``: "2031-05-01" or "长期") is kept with the file; an
    expired one is refused (``materials.validity``)."""
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
    until = validity.stated(wanted, valid_until, today=timefmt.local(now).date())
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
        detail={validity.VALID_UNTIL: until} if until else None,
    )
    material.storage_key = material.sha256
    session.add(material)
    session.flush()
    if late is not None:
        late.uploaded(session, case, material, now)
    return material


def date_document(
    session: Session,
    *,
    case: Case,
    user: User,
    material_code: str,
    valid_until: str,
    now: datetime,
) -> None:
    """Record the expiry (``valid_until``) of the identity document already uploaded for
    ``material_code`` of a draft or a case in correction: the form sends a file as soon as
    it is chosen, so the date typed after it comes with the form. Nothing when no file of
    it is in force; InvalidInput as for an upload (``materials.validity``)."""
    access.check_owner(user, case)
    wanted = definition.material(definition.spec_of(session, case), material_code)
    row = provision.current_rows(session, case=case).get(material_code)
    if wanted is None or row is None or row.way != MaterialWay.upload:
        return
    if case.state not in (CaseState.draft, CaseState.correction_requested):
        return
    until = validity.stated(wanted, valid_until, today=timefmt.local(now).date())
    if until and (row.detail or {}).get(validity.VALID_UNTIL) != until:
        row.detail = {**(row.detail or {}), validity.VALID_UNTIL: until}


def current_materials(session: Session, *, case: Case) -> list[Material]:
    """The material rows in force (one per material at most), oldest first."""
    return sorted(provision.current_rows(session, case=case).values(), key=lambda row: row.id)


def check_open(session: Session, *, case: Case) -> None:
    """Raise Conflict when the case's item (or bundle, or an item of it) was withdrawn from
    the catalog: such a case cannot be submitted or resubmitted. It stays readable and may
    still be saved or withdrawn, so nothing the applicant entered is lost."""
    catalog.check_accepting(session, definition=definition.spec_of(session, case))


def check_complete(session: Session, *, case: Case, now: datetime) -> list[provision.Resolution]:
    """Raise InvalidInput listing every problem that stops the case from being submitted:
    form answers, the mailing address, and each required material no declared way
    satisfies (``materials.provision``). Returns how each material was resolved (what a
    submission records, without resolving them again).

    Submission, resubmission and the review page all ask this one question.
    """
    spec = definition.spec_of(session, case)
    found = formcheck.problems(spec["form"], case.form_data, today=timefmt.local(now).date())
    found += catalog.misplaced(spec, case.form_data or {})
    if case.delivery == "mail":
        found += postal.problems(case.postal)
    resolutions = provision.resolve(session, case=case, now=now)
    found += provision.problems(resolutions)
    if found:
        raise InvalidInput(
            "申请还有需要完善的地方，请按提示修改后再提交。",
            "The application is incomplete; fix the fields listed.",
            details=found,
        )
    return resolutions
