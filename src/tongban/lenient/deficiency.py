"""Acceptance with deficiencies (容缺受理).

When the main materials are complete and only required materials the catalog marks 容缺
(``deficiency_allowed``) are missing, the applicant signs a deficiency commitment (容缺
承诺书, listing them) and the clerk accepts: the platform issues the 容缺受理通知书 (what
is missing, in what form, by when) and the case runs on. The deadline is the item's
``deficiency.limit`` in working days from acceptance (default: its promised limit), never
later than the promised limit itself. Until every missing material is uploaded the
applicant may upload exactly those, and the results are withheld; one reminder goes out
on the last working day; a missed deadline ends the case (终止办理) with a notice
(``awaiting``, whose ``run_due_deficiencies`` is the worker's idempotent sweep).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tongban import timefmt
from tongban.accounts.models import User
from tongban.accounts.service import actor_of
from tongban.audit.service import Actor, record
from tongban.cases import service as cases
from tongban.cases.core import access
from tongban.cases.enums import CaseState, ClockKind
from tongban.cases.http.titles import title_en
from tongban.cases.materials import provision, signing
from tongban.cases.models import Case, Material
from tongban.catalog import service as catalog
from tongban.errors import Conflict
from tongban.files.store import FileStore
from tongban.lenient import eligibility
from tongban.lenient.enums import DeficiencyState
from tongban.lenient.models import Deficiency
from tongban.web.templating import copies_in

COMMITMENT_CODE = "DEFICIENCY_COMMITMENT"
COMMITMENT_TITLE = "容缺受理承诺书"
FORMAT_NAMES = {"pdf": "PDF", "jpg": "JPG", "png": "PNG", "ofd": "OFD"}


def get(session: Session, *, case: Case) -> Deficiency | None:
    """The case's acceptance with deficiencies, if it was accepted so."""
    return session.scalar(select(Deficiency).where(Deficiency.case_id == case.id))


def limit_days(spec: dict[str, Any]) -> int:
    """Working days to supply them: the shortest ``deficiency.limit`` of the case's items
    with 容缺 materials, else the promised limit (in days)."""
    limits = [
        int(item["deficiency"]["limit"])
        for item in spec["items"]
        if item.get("deficiency") and any(m.get("deficiency_allowed") for m in item["materials"])
    ]
    promised = spec["time_limit"]
    days = catalog.working_days_of(promised["promised"], promised["unit"])
    return min(limits) if limits else max(int(days), 1)


def conditional(spec: dict[str, Any]) -> bool:
    """Whether the case's e-licences are issued at once, marked conditional (附条件), while
    the materials are awaited: every item with a ``deficiency`` setting says
    ``result: conditional`` (else they are withheld)."""
    settings = [item["deficiency"] for item in spec["items"] if item.get("deficiency")]
    return bool(settings) and all(s.get("result") == "conditional" for s in settings)


def promise_zh(spec: dict[str, Any]) -> tuple[str, str]:
    """(before, after) the deadline, as the commitment and the notice say it."""
    if conditional(spec):
        return (
            "补齐前先行发放附条件电子证照（证照注明所附条件）",
            "逾期未补齐的，附条件证照予以撤销",
        )
    return "补齐前审批部门暂不发放证照（结果）", "逾期未补齐的，审批部门终止办理"


def promise_en(spec: dict[str, Any]) -> tuple[str, str]:
    """``promise_zh`` in English."""
    if conditional(spec):
        return (
            "until they are supplied, the e-licence is issued marked conditional "
            "(the licence names the condition)",
            "if they are not supplied in time, the conditional licence is revoked",
        )
    return (
        "until they are supplied, the department withholds the licence (the result)",
        "if they are not supplied in time, the department ends the case",
    )


def form_of(entry: dict[str, Any]) -> str:
    """In what form a material is to be supplied: file types and copies."""
    kinds = "、".join(FORMAT_NAMES.get(f, f) for f in entry.get("formats") or ["pdf"])
    return f"上传电子件（{kinds}）" + (f"，{entry['copies']}" if entry.get("copies") else "")


def form_en(entry: dict[str, Any]) -> str:
    """``form_of`` in English."""
    kinds = ", ".join(FORMAT_NAMES.get(f, f) for f in entry.get("formats") or ["pdf"])
    return f"upload an electronic copy ({kinds})" + (
        f"; {copies_in(entry['copies'], 'en')}" if entry.get("copies") else ""
    )


def letter_en(case: Case, spec: dict[str, Any], missing: list[dict[str, Any]], days: int) -> str:
    """The deficiency commitment in English, to read; the Chinese text is what is signed."""
    before, after = promise_en(spec)
    lines = [
        f"{n}. {m.get('name_en') or m['name']} ({form_en(m)})"
        for n, m in enumerate(missing, start=1)
    ]
    return "\n".join(
        [
            f"I (we) apply for '{title_en(case) or case.title}'. The following "
            "secondary materials have not been submitted yet, and I (we) ask for acceptance "
            "with deficiencies:",
            *lines,
            f"I (we) undertake to supply them within {days} working day{'' if days == 1 else 's'} "
            "of acceptance (no "
            f"later than the promised time limit) and answer for the truth of this "
            f"commitment; {before}; {after}, and the breach is entered in the credit record.",
        ]
    )


def letter(session: Session, *, case: Case, now: datetime) -> dict[str, Any]:
    """The deficiency commitment to sign (``signing.letter``'s shape, ``text_en`` its
    English to read), listing what is missing now; Conflict when nothing 容缺 is
    missing."""
    missing = provision.deficient(session, case=case, now=now)
    if not missing:
        raise Conflict(
            "本办件没有可容缺受理的缺件。",
            "Nothing is missing that may be supplied after acceptance.",
            code="no_deficiency",
        )
    spec = cases.spec_of(session, case)
    days = limit_days(spec)
    before, after = promise_zh(spec)
    lines = [f"{n}. {m['name']}（{form_of(m)}）" for n, m in enumerate(missing, start=1)]
    text = "\n".join(
        [
            f"本人（本单位）申请办理“{case.title}”，以下次要材料尚未提交，申请容缺受理：",
            *lines,
            f"本人（本单位）承诺：自受理之日起{days}个工作日内（不超过承诺办结时限）补齐上述材料，"
            f"并对所作承诺的真实性负责；{before}；{after}，相关失信信息记入信用记录。",
        ]
    )
    return {
        "code": COMMITMENT_CODE,
        "name": COMMITMENT_TITLE,
        "text": text,
        "text_en": letter_en(case, spec, missing, days),
        "sha256": signing.text_digest(text),
        "version": case.catalog_version_id,
        "materials": missing,
        "days": days,
    }


def signed(session: Session, *, case: Case) -> Material | None:
    """The applicant's signed deficiency commitment, if any."""
    return provision.current_rows(session, case=case).get(COMMITMENT_CODE)


def sign_commitment(
    session: Session, *, case: Case, user: User, name: str, store: FileStore, now: datetime
) -> Material:
    """The applicant signs the deficiency commitment of a case waiting for acceptance.

    Raises Conflict when the case is not waiting for acceptance, nothing 容缺 is missing,
    or the applicant may not use the mode (the reason: bad credit, high risk);
    InvalidInput when the name typed is not the applicant's.
    """
    access.check_owner(user, case)
    if case.state != CaseState.submitted:
        raise Conflict(
            "只有待受理的办件可以签署容缺受理承诺书。",
            "Only a case waiting for acceptance takes a deficiency commitment.",
        )
    refused_because(session, case)
    read = letter(session, case=case, now=now)
    return signing.sign_text(
        session, case=case, user=user, read=read, name=name, store=store, now=now
    )


def refused_because(session: Session, case: Case) -> None:
    """Conflict ``lenient_refused`` with the reason when the case may not use the mode."""
    refused = eligibility.refusal(session, case=case)
    if refused is not None:
        raise Conflict(
            f"不适用容缺受理：{refused.zh}请补齐材料后按一般程序受理。",
            f"Acceptance with deficiencies does not apply: {refused.en} Supply every "
            "material for an ordinary acceptance.",
            code="lenient_refused",
        )


def accept(
    session: Session,
    *,
    number: str,
    user: User,
    opinion: str | None,
    now: datetime,
    store: FileStore,
) -> Deficiency:
    """The clerk accepts with deficiencies (容缺受理) once the applicant signed the
    commitment; the notice is issued and the deadline starts.

    Raises Conflict when nothing 容缺 is missing, the applicant may not use the mode, or
    has not signed the commitment; and what ``accept_case`` raises.
    """
    case = cases.get_case(session, number=number, user=user)
    read = letter(session, case=case, now=now)
    refused_because(session, case)
    eligibility.log_check(
        session,
        case=case,
        purpose="容缺受理适用条件核查",
        purpose_en="Checking the conditions of acceptance with deficiencies",
        now=now,
    )
    commitment = signed(session, case=case)
    if commitment is None or commitment.reference != f"sha256:{read['sha256']}":
        raise Conflict(
            "申请人尚未签署列明现缺材料的容缺受理承诺书。",
            "The applicant has not signed the deficiency commitment listing what is missing.",
            code="commitment_unsigned",
        )
    cal = cases.calendar(session)
    row = Deficiency(
        case_id=case.id,
        materials=[_listed(m) for m in read["materials"]],
        commitment_material_id=commitment.id,
        accepted_by=actor_of(user).name,
        accepted_at=now,
        due_at=cal.add_working_days(now, read["days"]),
        remind_at=cal.add_working_days(now, read["days"] - 1),
        state=DeficiencyState.open,
    )
    session.add(row)
    session.flush()  # the hold stands before acceptance may decide the case
    cases.accept_case(
        session,
        case_id=case.id,
        user=user,
        opinion=opinion,
        now=now,
        store=store,
        with_deficiencies=True,
    )
    row.due_at = min(row.due_at, _promised_due(case) or row.due_at)
    row.notice_document_id = _notice(session, case, row, now).id
    audit(session, case, row, "case.deficiency_accepted", actor_of(user), now, opinion)
    return row


def _listed(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": entry["code"],
        "name": entry["name"],
        "name_en": entry.get("name_en"),
        "form": form_of(entry),
        "formats": entry.get("formats") or ["pdf"],
    }


def _promised_due(case: Case) -> datetime | None:
    promised = [c for c in case.clocks if c.kind == ClockKind.promised]
    return max(c.due_at for c in promised) if promised else None


def _notice(session: Session, case: Case, row: Deficiency, now: datetime) -> Any:
    lines = [(f"缺件{n}", f"{m['name']}：{m['form']}") for n, m in enumerate(row.materials, 1)]
    lines += [
        ("补齐期限", f"截至 {timefmt.deadline(row.due_at)}（含当日）"),
        ("受理日期", timefmt.chinese_date(now)),
    ]
    before, after = promise_zh(cases.spec_of(session, case))
    footer = f"{before}；{after}。请在办件页面上传所缺材料。"
    return cases.issue_notice(
        session,
        case=case,
        title="容缺受理通知书",
        kind="deficiency_notice",
        lines=lines,
        footer=footer,
        now=now,
    )


def audit(
    session: Session,
    case: Case,
    row: Deficiency,
    action: str,
    actor: Actor,
    now: datetime,
    opinion: str | None = None,
) -> None:
    """Audit a change of the deficiency: the applicant hears of it (``outbox``)."""
    record(
        session,
        at=now,
        action=action,
        actor=actor,
        object_type="deficiency",
        object_id=row.id,
        case_id=case.id,
        subject_id=case.applicant_id,
        opinion=opinion,
        data={
            "materials": [m["name"] for m in row.materials],
            # as the messages name them, per language (an English reader's mail in English)
            "material_names": {
                "zh_Hans": [m["name"] for m in row.materials],
                "en": [m.get("name_en") or m["name"] for m in row.materials],
            },
            "due_at": row.due_at.isoformat(),
            "due_label": timefmt.deadline(row.due_at),
        },
    )
