"""Profiles (一人一档 / 一企一档): what the shared sources hold about one person (by resident
ID) or one enterprise (by credit code), their e-licences, their cases, and who looked at
their data.

Permissions are those of cases: an applicant reads only their own profile; staff read the
applicant's profile only through a case their department handles, stating why, and that
reading is logged for the applicant to see.

An applicant's profiles show the licences of their wallet (我的证照), no more and no less:
a licence issued on one of their own cases to another holder (the company they founded
with 企业开办) is shown in a profile of that holder, with the cases that issued it, and
nothing of the registers or the access log of a subject that is not the account's own,
unless the account stands for it: the enterprise's legal representative (as the register
names them) or its founder (its 营业执照 issued on their own case) reads its shared data and
who looked at it, as the enterprise's own account would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from tongban.accounts.enums import UserKind
from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.enums import FINAL_STATES
from tongban.cases.materials.reusable import Reusable
from tongban.cases.models import Case
from tongban.catalog import service as catalog
from tongban.catalog.sources import held_note, value_en
from tongban.errors import InvalidInput, NotAllowed
from tongban.identifiers import party_kind
from tongban.licences import service as licences
from tongban.licences.holders import acts_for_enterprise
from tongban.licences.types import licence_type
from tongban.pii.service import mask_id
from tongban.sharing import access
from tongban.sharing.connectors import connector_for
from tongban.sharing.models import DataAccess
from tongban.sharing.registering import register_record
from tongban.timefmt import local

PURPOSE_MAX = 200
MATERIALS = "materials"  # a profile reading's logged field: the applicant's reusable materials


@dataclass
class SourceSection:
    """One source's record about the subject: its fields (title, value), or why none;
    ``english``: by field, the value in English (a closed set's label, else the value);
    ``held_en``: where some of it stays Chinese in English (free text: a name, an
    address), the English pages' note saying whose text it is."""

    code: str
    name: str
    department: str
    fields: list[tuple[str, str, Any]] = field(default_factory=list)  # (name, title, value)
    unavailable: str | None = None
    english: dict[str, Any] = field(default_factory=dict)
    held_en: str | None = None


@dataclass
class HeldLicence:
    """An e-licence naming the subject as holder, with its status today (valid, expired …);
    ``name_en``: its name in English (its item's result ``name_en``), None where none."""

    id: int
    name: str
    number: str
    valid_until: date | None  # None: 长期
    status: str
    name_en: str | None = None


@dataclass
class Profile:
    """A person's or an enterprise's profile: ``kind`` person or enterprise, the key."""

    kind: str
    key: str
    name: str
    sections: list[SourceSection]
    cases: list[Case]
    accesses: list[DataAccess]
    licences: list[HeldLicence] = field(default_factory=list)
    # the uploads of its cases a later case may reuse, valid or not (``cases.list_reusable``)
    materials: list[Reusable] = field(default_factory=list)
    verified: bool = True  # False: the account's identity is not verified, nothing shared
    through_cases: bool = False  # known through the account's own cases only (founded)
    # through its cases, and the account is its legal representative or founder: it reads
    # the enterprise's shared data and access log as the enterprise's own account would
    represented: bool = False

    @property
    def market_kind(self) -> str | None:
        """An enterprise's kind (市场主体类型, e.g. 有限责任公司, 个体工商户, 合伙企业) as
        the enterprise register records it; None where it holds none."""
        return self._market_kind(english=False)

    @property
    def market_kind_en(self) -> str | None:
        """:attr:`market_kind` in English (the register's label for it)."""
        return self._market_kind(english=True)

    def _market_kind(self, *, english: bool) -> str | None:
        kinds = (
            str(section.english[name] if english else value)
            for section in self.sections
            if section.code == "enterprise_register"
            for name, _title, value in section.fields
            if name == "enterprise_type" and value
        )
        return next(kinds, None)


def _sections(session: Session, *, key_kind: str, key: str) -> list[SourceSection]:
    """Every source looked up by ``key_kind`` that holds (or could not say) a record of ``key``."""
    found = []
    for source in catalog.list_sources(session).values():
        if source["key"] != key_kind:
            continue
        lookup = connector_for(source).lookup(session, key=key)
        section = SourceSection(source["code"], source["name"], source["department"])
        if lookup.unavailable:
            section.unavailable = lookup.unavailable
        elif lookup.record:
            declared = source["fields"]
            section.fields = [
                (n, declared[n]["title"], _shown(key_kind, v)) for n, v in lookup.record.items()
            ]
            section.english = {n: value_en(declared[n], v) for n, _title, v in section.fields}
            held = (held_note(source, declared[n], v) for n, _title, v in section.fields)
            note = next((one for one in held if one), None)
            section.held_en = f"Text in Chinese is shown {note}." if note else None
        else:
            continue
        found.append(section)
    return found


def _shown(key_kind: str, value: Any) -> Any:
    """A field as a profile shows it: in an enterprise's profile, a person's resident ID
    (the legal representative's) is masked (``pii.mask_id``), as everywhere a person's
    number is shown to someone who is not that person (个人信息保护法 第二十八条: 敏感个人信息)."""
    person = isinstance(value, str) and len(value) == 18 and party_kind(value) == "resident_id"
    return mask_id(value) if key_kind == "credit_code" and person else value


def _name(sections: Sequence[SourceSection], fallback: str) -> str:
    for section in sections:
        for name, _title, value in section.fields:
            if name == "name":
                return str(value)
    return fallback


def profiles_of(session: Session, *, user: User, now: datetime) -> list[Profile]:
    """The applicant's own profiles: their person, and their enterprise for an enterprise
    account, each with the files of its cases a later case may reuse; an account whose identity is not verified (实名认证) gets one profile with its
    own cases and nothing of the registers, licences or data-access log (not logged: the data subject reading their own data); licence status as of
    ``now``'s local day."""
    own = list(cases.list_my_cases(session, user=user))
    found = []
    if not user.verified_codes:  # 实名认证 not done: the account's own cases only
        found.append(Profile(str(user.kind), "", user.display_name, [], own, [], verified=False))
    else:
        if user.kind == UserKind.enterprise and user.credit_code:
            firm = user.enterprise_name
            found.append(_profile(session, "enterprise", user.credit_code, firm, own, now))
        if user.id_number:
            person_cases = [] if found else own
            name = user.display_name
            found.append(_profile(session, "person", user.id_number, name, person_cases, now))
    found += _through_cases(session, user, own, {p.key for p in found}, now)
    uploads = cases.list_reusable(session, applicant_id=user.id, now=now)
    for profile in found:
        shown = {case.id for case in profile.cases}
        profile.materials = [upload for upload in uploads if upload.case.id in shown]
    return found


def _through_cases(
    session: Session, user: User, own: list[Case], shown: set[str], now: datetime
) -> list[Profile]:
    """A profile per holder of a licence in the user's wallet that no profile of theirs
    shows (issued on their own cases to another subject): its licences and those cases."""
    today = local(now).date()
    by_holder: dict[str, list[Any]] = {}
    for licence in licences.list_for_holder(session, user=user):
        if licence.holder_code not in shown:
            by_holder.setdefault(licence.holder_code, []).append(licence)
    found = []
    for code, held in by_holder.items():
        kind = "enterprise" if held[0].holder_code_type == "credit_code" else "person"
        issued_on = {licence.case_id for licence in held}
        profile = Profile(
            kind,
            code,
            held[0].holder_name,
            [],
            [case for case in own if case.id in issued_on],
            [],
            through_cases=True,
        )
        profile.licences = [_held(session, licence, today) for licence in held]
        if kind == "enterprise" and _represents(session, user, code, held):
            profile.sections = _sections(session, key_kind="credit_code", key=code)
            profile.accesses = access.for_subject(session, subject_keys=[code])
            profile.name, profile.represented = _name(profile.sections, profile.name), True
        found.append(profile)
    return found


def _represents(session: Session, user: User, code: str, held: list[Any]) -> bool:
    """Whether the user stands for the enterprise ``code`` they applied for: its legal
    representative as the enterprise register names them (by the verified identity,
    ``acts_for_enterprise``), or its founder (its 营业执照 was issued on their own case).
    Their reading is the enterprise reading its own data: not logged, like the account's."""
    if not user.verified_codes:
        return False
    if any(licence_type(licence.name).layout == "business" for licence in held):
        return True
    record = register_record(session, code)
    return record is not None and acts_for_enterprise(user, code, record)


def _profile(
    session: Session, kind: str, key: str, fallback: str | None, own: list[Case], now: datetime
) -> Profile:
    key_kind = "credit_code" if kind == "enterprise" else "resident_id"
    sections = _sections(session, key_kind=key_kind, key=key)
    logged = access.for_subject(session, subject_keys=[key])
    profile = Profile(kind, key, _name(sections, fallback or key), sections, own, logged)
    profile.licences = _licences(session, key, local(now).date())
    return profile


def _licences(session: Session, key: str, today: date) -> list[HeldLicence]:
    """The e-licences naming ``key`` as holder (the licence library's records)."""
    held = licences.list_for_code(session, holder_code=key)
    return [_held(session, licence, today) for licence in held]


def _held(session: Session, licence: Any, today: date) -> HeldLicence:
    status = str(licences.effective_status(licence, today))
    name_en = catalog.result_name_en(session, item_code=licence.item_code, name=licence.name)
    return HeldLicence(
        licence.id, licence.name, licence.number, licence.valid_until, status, name_en
    )


def _check_handles(user: User, case: Case) -> None:
    """Staff of a department working on the case (a task of it, or its lead) only, while
    it runs: a case that ended (办结, 不予受理, 撤回 …) is no longer being handled."""
    departments = {task.department_code for task in case.tasks} | {case.lead_department}
    if not user.is_staff or user.department_code not in departments:
        raise NotAllowed(
            "只有办理该办件的部门工作人员可以查看申请人档案。",
            "Only staff of a department handling the case may read the applicant's profile.",
        )
    if case.state in FINAL_STATES:
        raise NotAllowed(
            "该办件已经结束，不再办理，不能再查看申请人档案；如需查看，请通过正在办理的办件。",
            "The case has ended and is no longer being handled, so the applicant's profile "
            "cannot be read through it; read it through a case being handled.",
        )


def view_for_case(
    session: Session, *, user: User, number: str, purpose: str, now: datetime
) -> Profile:
    """The profile of a case's applicant for staff handling it, with the applicant's
    reusable materials (the files of their cases, valid for reuse or not, not the files
    themselves); the reading is logged (who, which case, which sources and the materials,
    when, why) for the applicant to see."""
    case = cases.get_case(session, number=number, user=user)
    _check_handles(user, case)
    reason = purpose.strip()
    if not reason or len(reason) > PURPOSE_MAX:
        raise InvalidInput(
            f"请填写查看档案的事由（不超过 {PURPOSE_MAX} 字）。",
            f"State why you read the profile (at most {PURPOSE_MAX} characters).",
            field="purpose",
        )
    applicant = session.get(User, case.applicant_id)
    assert applicant is not None
    kind = "enterprise" if applicant.kind == UserKind.enterprise else "person"
    key = applicant.credit_code if kind == "enterprise" else applicant.id_number
    if not key:
        raise InvalidInput("申请人没有可查询的证件号码。", "The applicant has no identifier.")
    name = applicant.enterprise_name or applicant.display_name
    profile = _profile(session, kind, key, name, [], now)
    profile.cases = [case]
    profile.materials = cases.list_reusable(session, applicant_id=applicant.id, now=now)
    fields = [section.code for section in profile.sections] + [MATERIALS]
    access.record(
        session,
        at=now,
        source="profile",
        subject_key=key,
        actor=user,
        case_id=case.id,
        fields=fields,
        purpose=f"办件 {case.number}：{reason}",
        purpose_en=f"Case {case.number}: {reason}",  # the reason as the staff member typed it
    )
    profile.accesses = []  # staff do not read the applicant's own access log
    return profile
