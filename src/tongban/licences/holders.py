"""Who a licence is issued to (持证主体, GB/T 36903), one rule for every licence type.

A licence belongs to the subject the application is about, never to whoever typed it in
(the agent, 经办人, or the account that applied):

- an **operator** licence (营业执照, 食品经营许可证 … the licences of a business) belongs to
  the operator the form names (``enterprise_name``, a sole trader's ``trade_name``), under
  its unified social credit code: the one registered by a 营业执照 earlier in the same case
  (一件事), else the form's ``credit_code``, else the applying account's own when the form
  names the account's own enterprise. A 营业执照 being registered keeps the code the
  form carries only where the enterprise register holds that code for the same company
  (the same name, and the account is that enterprise's or its legal representative's:
  换发, re-issue under the same number); any other registration gets a new code, so a
  carried code never moves another company's record (``carried_code``). A 个体工商户
  registration (``founds_sole_trader``) gets a new 92… code under its own name
  (``trade_name``, else the operator's). An
  operator the form names without any code known is an individual operator (个人经营者):
  the licence carries the operator's name and the responsible person's ID number, as the
  national formats allow ("社会信用代码（身份证号码）");
- a **person** licence (居民身份证, 执业证书 …) belongs to the person the form names
  (``applicant_name``, ``applicant_id_number``), the account's own identity only when the
  form has none;
- a **newborn** licence (出生医学证明, a newborn's 社会保障卡) belongs to the child the form
  names (``child_name``); a newborn has no ID number of its own yet, so the code is the
  mother's (else the father's) and the face says so (监护人公民身份号码).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.errors import Conflict
from tongban.licences import issued, numbers
from tongban.licences.enums import HOLDER_CODE_NAMES_ZH, HolderCodeType
from tongban.licences.models import Licence
from tongban.licences.types import licence_type
from tongban.pii.service import same_identifier

HolderKind = Literal["operator", "person", "newborn"]
Carried = Literal["keep", "new", "refuse"]
# the enterprise register's record of a credit code (None: not held); the sharing domain
# registers its lookup at start-up (it sits above this one)
RegisterLookup = Callable[[Session, str], dict[str, Any] | None]
REGISTER: list[RegisterLookup] = []
OPERATOR_LICENCES = frozenset(
    {
        "营业执照",
        "食品经营许可证",
        "食品生产许可证",
        "药品经营许可证",
        "排污许可证",
        "道路运输经营许可证",
        "建筑垃圾运输处置备案凭证",
        "建筑工程施工许可证",
        "建设工程规划许可证",
        "公共场所卫生许可证",
        "清税证明",
        "道路运输证",
        # documents issued to a business (证明、批文、回执)
        "印章刻制备案回执",
        "税务事项通知书(数电发票总额度)",
        "社会保险登记信息确认单",
        "社会保险注销登记通知",
        "住房公积金单位登记开户确认书",
        "准予注销登记通知书",
        "一次性创业补贴发放通知书",
        "户外广告设施设置许可决定书",
        "临时占用城市道路许可决定书",
        "养老机构备案回执",
        "建设项目环境影响报告表批复",
        "竣工验收备案证明",
    }
)
NEWBORN_LICENCES = frozenset(
    {
        "出生医学证明",
        "社会保障卡",
        "居民户口簿(新生儿户口页)",
        "预防接种证",
        "城乡居民基本医疗保险参保登记回执",
    }
)
GUARDIAN_CODE_ZH = "监护人公民身份号码"


@dataclass(frozen=True)
class Holder:
    """The holder's name, code and code type, and what the face calls the code."""

    name: str
    code: str
    code_type: HolderCodeType
    code_label: str


def holder_kind(licence_name: str, form: dict[str, Any]) -> HolderKind:
    """Which rule names the holder of a licence named ``licence_name``."""
    if licence_name in OPERATOR_LICENCES:
        return "operator"
    if licence_name in NEWBORN_LICENCES and form.get("child_name"):
        return "newborn"
    return "person"


def _text(form: dict[str, Any], *names: str) -> str:
    return next((str(form[n]).strip() for n in names if form.get(n)), "")


def carried_code(form: dict[str, Any], applicant: User, record: dict[str, Any] | None) -> Carried:
    """What a registration (营业执照) does with the credit code its form carries, given the
    enterprise register's ``record`` of that code: ``keep`` it (换发: the register holds it
    for the company the form names, and the account is that enterprise's or its legal
    representative's, by its verified identity), ``new`` (a founding: no code, a code not held or struck off, or the
    code of a company of another name), or ``refuse`` (the form names the company the code
    is registered to, but the account is not that company's)."""
    code = _text(form, "credit_code")
    if not code or record is None or record.get("status") == "注销":
        return "new"
    if _text(form, "enterprise_name", "trade_name") != str(record.get("name") or ""):
        return "new"
    return "keep" if acts_for_enterprise(applicant, code, record) else "refuse"


def acts_for_enterprise(applicant: User, code: str, record: dict[str, Any] | None) -> bool:
    """Whether ``applicant`` may act for the enterprise of credit code ``code``, whose
    enterprise register entry is ``record`` (None: not held): the account is that
    enterprise's own, or its legal representative's as the register names them, by the
    account's verified identity (实名认证: a number only typed at sign-up is nobody's).
    An agent the enterprise authorised (授权委托) applies in the enterprise's name, so
    its cases are the enterprise account's own (``accounts.authorisations``)."""
    rep = str((record or {}).get("legal_rep_id_number") or "")
    held = applicant.verified_codes
    return any(same_identifier(c, n) for c in held for n in (code, rep) if n)


def founds_operator(item: dict[str, Any]) -> bool:
    """Whether ``item`` registers an operator (its result is a 营业执照-layout licence)."""
    result = item.get("result") or {}
    return result.get("kind") == "licence" and licence_type(result["name"]).layout == "business"


def founds_sole_trader(item: dict[str, Any]) -> bool:
    """Whether ``item`` registers a sole trader (个体工商户: its own form names the business
    by ``trade_name`` and has no ``enterprise_name``), not a company. Asked of the item,
    never of a bundle's merged form: a 个体工商户 registered with a 食品经营许可证 (开餐馆)
    shares a form holding the permit's ``enterprise_name`` and is still a 个体工商户
    (credit code 92…, 《促进个体工商户发展条例》)."""
    fields = (item.get("form") or {}).get("properties") or {}
    return founds_operator(item) and "trade_name" in fields and "enterprise_name" not in fields


def founds_company(spec: dict[str, Any]) -> bool:
    """Whether a case of ``spec`` registers a company (an item founding an operator that
    is not a sole trader: 企业开办)."""
    return any(founds_operator(i) and not founds_sole_trader(i) for i in spec["items"])


def subject_credit_code(
    spec: dict[str, Any], form: dict[str, Any], applicant: User
) -> tuple[bool, str | None]:
    """(whether the form founds an operator, the credit code its enterprise is found by in
    the registers). A founding is about the company it founds, not the applying account's
    own: only a code the form carries, and only the account's own (its 换发), is looked up
    (an enterprise account founding a new company never sees its own company locked in;
    a code typed for someone else's company pulls nothing of it). Any other case is about
    the account's own verified code (实名认证), the form's only where it is that one: the
    rules of an instant approval never decide on another company's records."""
    typed = _text(form, "credit_code")
    held = applicant.verified_codes
    own = bool(typed) and any(same_identifier(code, typed) for code in held)
    if any(founds_operator(item) for item in spec["items"]):
        return True, typed if own else None
    if own:
        return False, typed
    return False, next((code for code in held if code == applicant.credit_code), None)


def operator_code(form: dict[str, Any], applicant: User) -> str:
    """The credit code an operator licence of an existing operator carries: the form's,
    else the account's own when the form names the account's own enterprise ("": none)."""
    code = _text(form, "credit_code")
    named = _text(form, "enterprise_name", "trade_name")
    if not code and applicant.credit_code and named == (applicant.enterprise_name or ""):
        code = applicant.credit_code
    return code


SOLE_TRADER = "个体工商户"
"""The one kind of market entity (市场主体类型) whose operator licence may name its holder
by the responsible person's ID number (《个体工商户条例》; GB 32100 gives every other kind a
unified social credit code at registration)."""

ORGANISATION_FORMS = {
    "公司": "公司",
    "合伙": "合伙企业",
    "个人独资": "个人独资企业",
    "合作社": "农民专业合作社",
}
"""Words of the organisational form an enterprise's name must state (《企业名称登记管理规定》
第六条), and the kind each names: the kind of a name no source holds."""


def kind_by_name(name: str) -> str | None:
    """The kind of market entity the organisational form in ``name`` states (None: none)."""
    return next((kind for word, kind in ORGANISATION_FORMS.items() if word in name), None)


def uncoded_operator(
    spec: dict[str, Any], form: dict[str, Any], applicant: User, kind: str | None
) -> tuple[str, str]:
    """(name, kind) of the operator that an operator licence of ``spec`` would be issued
    to without its unified social credit code although it is not a 个体工商户, else
    ("", ""). ``kind`` is its 市场主体类型 as the enterprise register or the name
    reservations record it (None: no source holds the name; the organisational form its
    name states decides). Every market entity but a 个体工商户 holds a code (GB 32100),
    and the licence names its holder by it: issued to the applying person's ID number
    instead, it named an enterprise the register never saw. A case that registers the
    enterprise itself (一件事 with its 营业执照) gets the code then."""
    items = spec["items"]
    if any(founds_operator(item) for item in items):
        return "", ""
    issues = any((item.get("result") or {}).get("name") in OPERATOR_LICENCES for item in items)
    name = _text(form, "enterprise_name", "trade_name")
    kind = kind or kind_by_name(name)
    if not issues or not kind or kind == SOLE_TRADER or operator_code(form, applicant):
        return "", ""
    return name, kind


def register_record(session: Session, code: str) -> dict[str, Any] | None:
    """The enterprise register's record of ``code`` (None: not held, or no register)."""
    return next((found for lookup in REGISTER if (found := lookup(session, code))), None)


def fresh_credit_code(session: Session, *, division: str, serial: int, sole_trader: bool) -> str:
    """A credit code for an enterprise registered now that the enterprise register does not
    hold yet: a department's own registrations (or an earlier company of the same serial)
    never lend a new company their code. Conflict (409) when every variant is taken."""
    for variant in range(len(numbers.BODY_LETTERS)):
        code = numbers.new_credit_code(
            division=division, serial=serial, sole_trader=sole_trader, variant=variant
        )
        if register_record(session, code) is None:
            return code
    raise Conflict(
        f"统一社会信用代码（序号 {serial}）已全部被市场主体登记库占用，请联系系统管理员。",
        f"Every unified social credit code of serial {serial} is held by the market entity "
        "register; contact the system administrator.",
    )


def _registered_here(session: Session, case: Case) -> Licence | None:
    """A 营业执照 issued earlier in the same case (a bundle: the later licences belong to
    the enterprise it registered): earlier in the same unit of work, where a case's
    results are all issued (``issued``)."""
    earlier = issued.on_case(session, case_id=case.id)
    return next((x for x in earlier if x.holder_code_type == HolderCodeType.credit_code), None)


def _person(form: dict[str, Any], applicant: User) -> Holder:
    return Holder(
        name=_text(form, "applicant_name") or applicant.display_name,
        code=_text(form, "applicant_id_number") or applicant.id_number or "",
        code_type=HolderCodeType.resident_id,
        code_label=HOLDER_CODE_NAMES_ZH[HolderCodeType.resident_id],
    )


def _credit(name: str, code: str) -> Holder:
    kind = HolderCodeType.credit_code
    return Holder(name=name, code=code, code_type=kind, code_label=HOLDER_CODE_NAMES_ZH[kind])


def _operator(
    session: Session, case: Case, applicant: User, *, registering: str, serial: int, division: str
) -> Holder:
    form = case.form_data
    name = _text(form, "enterprise_name", "trade_name")
    earlier = _registered_here(session, case)
    if earlier is not None:
        return _credit(earlier.holder_name, earlier.holder_code)
    if registering == "sole_trader":  # its own name (may be none: the operator's)
        code = fresh_credit_code(session, division=division, serial=serial, sole_trader=True)
        return _credit(_text(form, "trade_name") or _person(form, applicant).name, code)
    if registering == "company":
        carried = _text(form, "credit_code")
        record = register_record(session, carried) if carried else None
        if carried_code(form, applicant, record) == "keep":
            return _credit(name, carried)
        code = fresh_credit_code(session, division=division, serial=serial, sole_trader=False)
        return _credit(name or _person(form, applicant).name, code)
    code = operator_code(form, applicant)
    if code:
        return _credit(name or applicant.enterprise_name or "", code)
    person = _person(form, applicant)
    return Holder(name or person.name, person.code, person.code_type, person.code_label)


def _newborn(form: dict[str, Any], applicant: User) -> Holder:
    guardian = _text(form, "mother_id_number", "father_id_number", "applicant_id_number")
    return Holder(
        name=_text(form, "child_name"),
        code=guardian or applicant.id_number or "",
        code_type=HolderCodeType.resident_id,
        code_label=GUARDIAN_CODE_ZH,
    )


def holder_of(
    session: Session, *, case: Case, item: dict[str, Any], serial: int, division: str
) -> Holder:
    """The holder of the licence of ``item``'s result issued on ``case`` (see the module
    docstring); ``serial`` and ``division`` make a new credit code for a registration."""
    form = case.form_data
    applicant = session.get_one(User, case.applicant_id)
    kind = holder_kind(item["result"]["name"], form)
    if kind == "operator":
        registering = "no"
        if founds_operator(item):
            registering = "sole_trader" if founds_sole_trader(item) else "company"
        return _operator(
            session, case, applicant, registering=registering, serial=serial, division=division
        )
    if kind == "newborn":
        return _newborn(form, applicant)
    return _person(form, applicant)
