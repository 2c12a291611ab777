"""Sample answers and files for catalog forms and materials: valid form data made from a
form's JSON Schema, and a small file of each accepted type. The demo history and the
tests use them to fill in applications through the real service layer.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, timedelta
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from PIL import Image
from sqlalchemy.orm import Session

from tongban.accounts.models import User
from tongban.cases import service as cases
from tongban.cases.models import Case
from tongban.files.store import FileStore
from tongban.identifiers import make_credit_code, make_resident_id


def pdf_of(padding: int = 0) -> bytes:
    """A whole PDF: a catalog, a page tree and one blank A4 page, with the cross-reference
    table that finds them; ``padding`` bytes more (a comment after the header) make a large
    file that still opens (a slow upload's progress, say)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    if padding:
        out += b"%" + b"x" * padding + b"\n"
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        table,
    )
    return bytes(out)


def _image(kind: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, kind)
    return buffer.getvalue()


def _ofd() -> bytes:
    """An OFD package (GB/T 33190) with its entry file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr(
            "OFD.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"/>',
        )
    return buffer.getvalue()


PDF = pdf_of()
# a small whole file of each type uploads accept (``files.content`` opens each)
SAMPLES = {"pdf": PDF, "jpg": _image("JPEG"), "png": _image("PNG"), "ofd": _ofd()}


def sample(kind: str, mark: str) -> bytes:
    """A sample file of ``kind`` of its own: two applicants never upload the same bytes, as
    real ones never do (risk screening flags one file reused across applicants)."""
    return SAMPLES[kind] + f"\n%{mark}\n".encode()


_NAMED: dict[str, Any] = {
    "phone": "13800000001",
    "email": "applicant@example.cn",
    "credit_code": make_credit_code("350102", "MA2XQ1K7"),
}
# What an applicant writes in the free-text fields of the catalog's forms, by field name:
# the demo's cases, licences and published results show them, so they read as real ones
# (a person's name where a person is asked for, a company's where a company is).
TEXTS: dict[str, str] = {
    "applicant_name": "林晓峰",
    "name": "林晓峰",
    "legal_rep_name": "林晓峰",
    "accountant_name": "郑丽华",
    "supervisor_name": "黄建国",
    "liquidation_leader_name": "林晓峰",
    "food_safety_manager_name": "陈美玲",
    "pharmacist_name": "王静怡",
    "household_head_name": "林晓峰",
    "member_name": "林小雨",
    "child_name": "林一诺",
    "father_name": "林晓峰",
    "mother_name": "陈雅婷",
    "seller_name": "张国华",
    "enterprise_name": "福州榕香餐饮管理有限公司",
    "trade_name": "鼓楼区榕香小吃店",
    "employer_name": "福州闽江软件有限公司",
    "construction_company": "福建榕城建设工程有限公司",
    "supervision_company": "福州建安工程监理有限公司",
    "eia_agency": "福建绿源环境科技有限公司",
    "seal_maker": "福州鼓楼公章刻制有限公司",
    "medical_institution_name": "福州市鼓楼区东街社区卫生服务中心",
    "birth_hospital": "福建省妇幼保健院",
    "vaccination_clinic": "鼓楼区东街社区卫生服务中心",
    "disposal_site": "福州市红庙岭建筑垃圾消纳场",
    "mortgagee_name": "中国建设银行股份有限公司福州分行",
    "bank_name": "中国工商银行福州鼓楼支行",
    "hpf_trustee_bank": "中国建设银行福州分行",
    "project_name": "鼓楼区东街片区老旧小区改造工程",
    "project_location": "福州市鼓楼区东街道东街88号",
    "property_location": "福州市鼓楼区五四路1号3栋502单元",
    "occupy_location": "鼓楼区五四路（东街口至北门段）东侧人行道",
    "ad_location": "福州市鼓楼区五四路1号临街外墙",
    "ad_content": "榕香小吃，地道福州味",
    "transport_route": "东街口—五四路—北二环—红庙岭消纳场",
    "destination_province": "上海市",
    "destination_city": "上海市",
    "business_scope": "餐饮服务；食品销售（仅销售预包装食品）",
    "practice_scope": "全科医学专业",
    "industry_category": "H6210 正餐服务",
    "job_intention": "软件开发",
    "hardship_reason": "家庭主要劳动力因病丧失劳动能力",
    "child_ethnicity": "汉族",
    "established_on": "2021-03-15",
    "contract_record_number": "FZ2025090100123",
    "planning_permit_number": "建字第350102202500123号",
    "property_cert_number": "闽（2021）福州市不动产权第0012345号",
    "physician_qualification_number": "202135110350102198506151234",
}
# Values tried, in order, against a field's pattern.
_PATTERNED = [
    make_resident_id("350102", date(1985, 6, 15), 123),
    "13800000001",
    make_credit_code("350102", "MA2XQ1K7"),
    "闽A12345",
    "08:30",
    "350102003001GB00001F00010001",
    "2025-09",
    "3501-202509-01-01-000001",
    "6222021234567890",
    "A123456789",
]


def _string(name: str, spec: dict[str, Any]) -> str:
    if name.endswith("id_number"):
        return make_resident_id("350102", date(1985, 6, 15), 123)
    if name in _NAMED:
        return str(_NAMED[name])
    if name.endswith("credit_code"):
        return str(_NAMED["credit_code"])
    if "pattern" in spec:
        return next(v for v in _PATTERNED if re.search(spec["pattern"], v))
    if spec.get("format") == "date":
        return _sample_date(spec)
    text = "福州市鼓楼区五四路1号" if "address" in name else TEXTS.get(name, "详见所附材料")
    return text + "样" * max(0, int(spec.get("minLength", 0)) - len(text))


def _sample_date(spec: dict[str, Any]) -> str:
    """A past day for dates of what has happened; for dates that may not be in the past
    (``x-not-before``: a planned start, and its end a month later), a day ahead of any
    clock the demo or a test runs on."""
    if spec.get("x-not-after") == "today":
        return "2025-08-01"  # before any day the demo history or a test submits on
    bound = spec.get("x-not-before")
    if bound is None:
        return "2025-09-01"
    ahead = 30 if bound == "today" else 60
    return (date.today() + timedelta(days=ahead)).isoformat()


def _value(name: str, spec: dict[str, Any]) -> Any:
    if "enum" in spec:
        return spec["enum"][0]
    if "const" in spec:
        return spec["const"]
    kind = spec.get("type", "string")
    if kind == "object":
        return {key: _value(key, sub) for key, sub in spec.get("properties", {}).items()}
    if kind == "array":
        items = spec.get("items", {"type": "string"})
        count = max(1, spec.get("minItems", 1))
        return list(items["enum"][:count]) if "enum" in items else [_value(name, items)] * count
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        low = spec.get("minimum", spec.get("exclusiveMinimum", 0) + 1)
        return max(int(low), min(10, int(spec.get("maximum", 10))))
    return _string(name, spec)


def fill_form(schema: dict[str, Any], answers: dict[str, Any] | None = None) -> dict[str, Any]:
    """A valid answer to every property of a catalog form.

    ``answers`` (say, the applicant's own name) are used for the properties they fit;
    every other property gets a generated value. Raises ValueError for a form whose
    schema the generator cannot satisfy yet.
    """
    properties = schema["properties"]
    data = {name: _value(name, spec) for name, spec in properties.items()}
    for name, value in (answers or {}).items():
        if name in properties and Draft202012Validator(properties[name]).is_valid(value):
            data[name] = value
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    problems = [error.message for error in validator.iter_errors(data)]
    if problems:
        raise ValueError(f"cannot fill this form yet: {problems}")
    return data


def typed_by_a_person(schema: dict[str, Any], form: dict[str, Any]) -> dict[str, Any]:
    """``form`` without the answers the population register fills and locks for a person
    applying (their name, ID number): what such an applicant types. Other shared sources
    fill only where they hold the applicant (a company's name reservation fills a company's
    registration, not a 个体工商户's), so their fields are the applicant's to type."""
    props = schema["properties"]

    def registered(name: str) -> bool:
        source = props[name].get("x-source") or []
        return any(
            s.startswith("population.") for s in ([source] if isinstance(source, str) else source)
        )

    return {
        name: value for name, value in form.items() if name not in props or not registered(name)
    }


DOCUMENT_YEARS = 10  # how long a demo identity document is valid after its upload
OTHER_PARTY_CODE = make_credit_code("350100", "MA8BK001")  # a bank no demo account is


def own_company(schema: dict[str, Any], form: dict[str, Any], applicant: User) -> dict[str, Any]:
    """``form`` with its company data consistent with the applicant who files it: the
    applicant's own credit code where the form asks the applying enterprise's, none where a
    person applies and the code is optional (an individual operator), and a code no demo
    account holds for another party (a mortgagee bank). A generated form carries one demo
    company's code everywhere, which showed that company other applicants' cases."""
    required = set(schema.get("required") or [])
    found = dict(form)
    for name in schema["properties"]:
        if not name.endswith("credit_code"):
            continue
        if name == "credit_code" and applicant.credit_code:
            found[name] = applicant.credit_code
        elif name not in required:
            found.pop(name, None)
        elif name != "credit_code":
            found[name] = OTHER_PARTY_CODE
    return found


def document_expiry(material: dict[str, Any], now: datetime) -> str | None:
    """The 有效期至 a demo upload of ``material`` states (``valid_until`` of
    ``cases.add_material``): where the catalog marks it ``document_validity`` (居民身份证,
    驾驶证), a day ``DOCUMENT_YEARS`` on, as a card of 10 or 20 years issued some years
    before has, so that later demo cases are offered the file again; None for any other
    material, which states none."""
    if not material.get("document_validity"):
        return None
    return (now.date() + timedelta(days=365 * DOCUMENT_YEARS)).isoformat()


def attach_materials(
    session: Session,
    *,
    case: Case,
    user: User,
    store: FileStore,
    now: datetime,
    required_only: bool = True,
) -> None:
    """Through the service layer: a sample file of the first allowed type for each material
    the applicant is asked to upload; none where the platform provides it (generated,
    signed online, pulled from a source, a held e-licence: 已有电子证照，无需上传)."""
    applicant = session.get_one(User, case.applicant_id)
    ways = cases.material_ways(session, case=case, now=now)
    provided = {found.code for found in ways if not found.asks_upload}
    for material in cases.spec_of(session, case)["materials"]:
        if "signed" in (material.get("ways") or []):
            cases.sign_material(
                session,
                case=case,
                user=user,
                material_code=material["code"],
                name=applicant.display_name,
                store=store,
                now=now,
            )
        if not cases.asks_upload(material) or material["code"] in provided:
            continue
        if material["required"] or not required_only:
            kind = (material.get("formats") or ["pdf"])[0]
            cases.add_material(
                session,
                case=case,
                user=user,
                material_code=material["code"],
                filename=f"m.{kind}",
                data=sample(kind, f"{case.number}/{material['code']}"),
                store=store,
                max_bytes=10**6,
                now=now,
                valid_until=document_expiry(material, now),
            )
