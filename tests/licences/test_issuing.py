"""A licence result is issued as a signed e-licence with the GB/T 36903 metadata."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import API, draft, entry, submitted
from tests.licences.support import BUSINESS, FOOD, finish, held, licensed
from tongban.accounts.models import User
from tongban.cases.models import Case
from tongban.db import next_ids
from tongban.demo.samples import fill_form
from tongban.identifiers import validate_credit_code, validate_licence_identifier
from tongban.licences import envelope, numbers
from tongban.licences.models import Licence
from tongban.sharing.feeding import put_record


def test_a_food_business_licence_carries_its_number_holder_issuer_and_validity(
    client: TestClient, as_user: Any
) -> None:
    result = licensed(client, as_user, FOOD)
    number = result["number"]
    assert re.fullmatch(r"JY[123]350100\d{7}", number), number
    licence = held(client, as_user("minfeng"), number)
    assert licence["name"] == "食品经营许可证" and licence["status"] == "valid"
    identifier = validate_licence_identifier(licence["identifier"])
    assert identifier.serial == number and identifier.issuer_code == licence["issuer_code"]
    assert identifier.type_code == licence["type_code"]
    validate_credit_code(licence["issuer_code"])
    assert licence["issuer_name"] == "福州市市场监督管理局" and licence["division_code"] == "350100"
    assert licence["holder_code_type"] == "credit_code"
    validate_credit_code(licence["holder_code"])
    issued = date.fromisoformat(licence["issued_on"])
    assert (
        licence["valid_until"]
        == (issued.replace(year=issued.year + 5) - timedelta(days=1)).isoformat()
    )
    labels = [label for label, _ in licence["fields"]]
    for wanted in (
        "许可证编号",
        "经营者名称",
        "社会信用代码（身份证号码）",
        "住所",
        "经营场所",
        "主体业态",
        "经营项目",
        "有效期至",
        "发证机关",
        "签发人",
    ):
        assert wanted in labels
    # 食品经营许可 is commitment approval (告知承诺): decided on the signed commitment at
    # acceptance by the accepting officer, a reviewer, who approves nothing (审核与审批分离):
    # the licence names its issuing authority as 签发人, not the reviewer (issue 16's trial)
    assert dict(licence["fields"])["签发人"] == "福州市市场监督管理局"


def test_a_licence_decided_by_the_approving_official_names_them_as_its_signer(
    client: TestClient, as_user: Any, db: Session
) -> None:
    """An ordinary licence (药品经营许可证): reviewed by 市场监管审查员 and decided by
    市场监管核准人, who signs it (the signed record's 签发人)."""
    result = licensed(client, as_user, "3501-SCJG-006")
    licence = db.scalar(select(Licence).where(Licence.number == result["number"]))
    assert licence is not None and licence.fields["signer"] == "市场监管核准人"


def test_the_result_document_is_the_licence_pdf_named_with_its_number(
    client: TestClient, as_user: Any
) -> None:
    result = licensed(client, as_user, FOOD)
    response = client.get(f"{API}/results/{result['id']}/document", headers=as_user("minfeng"))
    assert response.status_code == 200
    named = unquote(response.headers["content-disposition"].split("filename*=UTF-8''", 1)[1])
    assert result["number"] in named
    pdf = response.content
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf  # the TrueType font is embedded
    assert b"STSong" not in pdf  # no longer the reader's own CID font
    signed = envelope.extract(pdf)
    assert signed is not None and signed["record"]["number"] == result["number"]


def test_a_new_enterprise_is_registered_under_a_new_credit_code_valid_without_end(
    client: TestClient, as_user: Any
) -> None:
    result = licensed(client, as_user, BUSINESS)
    code = validate_credit_code(result["number"])
    assert code.division_code == "350100" and result["number"].startswith("91")
    licence = held(client, as_user("minfeng"), result["number"])
    assert licence["valid_until"] is None and licence["holder_code"] == result["number"]
    labels = [label for label, _ in licence["fields"]]
    assert labels == [
        "统一社会信用代码",
        "名称",
        "类型",
        "法定代表人",
        "经营范围",
        "注册资本",
        "成立日期",
        "营业期限",
        "住所",
        "登记机关",
    ]


def test_a_licence_issued_again_under_the_same_number_is_its_next_version(
    client: TestClient, as_user: Any, db: Session
) -> None:
    """换发: an enterprise the register holds (its own name and credit code on the form,
    applied for by its own account) gets a second 营业执照; the GB/T 36904 identifier keeps
    the serial and counts the version, and its own name is not 'used' by it."""
    code, name = "91350102MA2XQ1K7XN", "福州闽丰餐饮管理有限公司"
    put_record(
        db,
        code="enterprise_register",
        key=code,
        fields={"credit_code": code, "name": name, "status": "存续"},
        now=START,
    )
    minfeng = db.scalar(select(User).where(User.username == "minfeng"))
    assert minfeng is not None
    minfeng.identity_verified_at = START  # 实名认证: the account is the enterprise's own
    for _ in range(2):
        number = draft(client, as_user("minfeng"), BUSINESS)["number"]
        case = db.scalar(select(Case).where(Case.number == number))
        assert case is not None
        case.form_data = {**case.form_data, "enterprise_name": name, "credit_code": code}
        db.commit()
        sent = client.post(f"{API}/cases/{number}/submit", headers=as_user("minfeng"))
        assert sent.status_code == 200, sent.text
        finish(client, as_user("scjg"), as_user("scjg-hz"), number=number)
    licences = client.get(f"{API}/licences", headers=as_user("minfeng")).json()
    found = [validate_licence_identifier(i["identifier"]) for i in licences if i["number"] == code]
    assert sorted(identifier.version for identifier in found) == ["001", "002"]
    assert {identifier.serial for identifier in found} == {code}


def test_a_food_licence_prints_the_registered_domicile_and_the_premises_apart(
    client: TestClient, as_user: Any, db: Session
) -> None:
    """The fault as found: 住所 printed the premises address. 住所 is the domicile the
    enterprise register holds (its 营业执照's), 经营场所 the premises licensed."""
    form = fill_form(entry(client, FOOD)["form"])
    domicile = "福州市鼓楼区五四路158号环球广场12层"
    put_record(
        db,
        code="enterprise_register",
        key=form["credit_code"],
        fields={"credit_code": form["credit_code"], "registered_address": domicile},
        now=START,
    )
    db.flush()
    result = licensed(client, as_user, FOOD)
    rows = dict(held(client, as_user("minfeng"), result["number"])["fields"])
    assert rows["住所"] == domicile
    assert rows["经营场所"] == form["premises_address"] != domicile


def test_a_birth_certificate_is_issued_by_the_hospital_the_form_names(
    client: TestClient, as_user: Any
) -> None:
    """母婴保健法 第二十三条: the 助产机构 signs the 出生医学证明, not the health commission
    that handles and oversees the case (catalog ``result.issued_by``)."""
    mother = as_user("lisi")
    case = submitted(client, mother, "3501-WJW-001")
    finish(client, as_user("wjw"), as_user("wjw-hz"), number=case["number"])
    hospital = client.get(f"{API}/cases/{case['number']}", headers=mother).json()["form_data"][
        "birth_hospital"
    ]
    licence = next(
        item
        for item in client.get(f"{API}/licences", headers=mother).json()
        if item["name"] == "出生医学证明"
    )
    assert hospital and licence["issuer_name"] == hospital
    code = validate_credit_code(licence["issuer_code"])
    assert licence["issuer_code"][:2] == "12" and code.division_code == "350100"  # 事业单位
    assert validate_licence_identifier(licence["identifier"]).issuer_code == licence["issuer_code"]
    assert dict(licence["fields"])["发证机关"] == hospital


def test_the_issue_message_names_its_licence_and_links_to_my_licences(
    client: TestClient, as_user: Any
) -> None:
    """Each 电子证照已签发 message names its licence (a bundle sends one per licence, told
    apart by name), and the message centre shows its paths as links, not bare text."""
    licensed(client, as_user, FOOD)
    page = client.get("/messages", headers=as_user("minfeng")).text
    assert "电子证照已签发：食品经营许可证" in page
    assert "电子证照「食品经营许可证」已签发" in page
    assert '<a href="/my/licences">/my/licences</a>' in page
    assert re.search(r'<a href="/cases/\d+">/cases/\d+</a>', page)  # other messages' links


def _fonts(pdf: bytes, tmp_path: Path) -> list[str]:
    """``pdffonts``' rows (name … emb …) of a PDF; its own check when poppler is missing:
    every font named in the file is a subset (embedded) one."""
    if shutil.which("pdffonts") is None:
        names = re.findall(rb"/BaseFont\s*/([A-Za-z0-9+#-]+)", pdf)
        return [f"{n.decode()} {'yes' if b'+' in n else 'no'}" for n in names]
    path = tmp_path / "file.pdf"
    path.write_bytes(pdf)
    rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
    return [" ".join(row.split()[:1] + row.split()[-5:-4]) for row in rows.stdout.splitlines()[2:]]


def test_every_font_of_a_licence_and_a_result_document_is_embedded(
    client: TestClient, as_user: Any, tmp_path: Path
) -> None:
    """Fault 18: the licence PDF also named Helvetica, not embedded (the QR code's drawing
    set it); every text is in the embedded Chinese font now."""
    licence = licensed(client, as_user, FOOD)
    document = licensed(client, as_user, "3501-GA-001", staff=("ga", "ga-hz"))
    for result in (licence, document):
        url = f"{API}/results/{result['id']}/document"
        pdf = client.get(url, headers=as_user("minfeng")).content
        fonts = _fonts(pdf, tmp_path)
        assert fonts and all(row.endswith(" yes") for row in fonts), fonts
        assert not any("Helvetica" in row for row in fonts)


def test_the_wallet_lists_result_documents_apart_from_licences(
    client: TestClient, as_user: Any, signed_in: Any
) -> None:
    """Fault 18: 印章刻制备案回执 (a result of kind document) stood among the licences of
    我的证照; it is listed under 办理结果文书."""
    licence = licensed(client, as_user, FOOD)
    receipt = licensed(client, as_user, "3501-GA-001", staff=("ga", "ga-hz"))
    page = signed_in("minfeng").get("/my/licences").text
    licences, documents = page.split('<h2 id="documents">', 1)
    assert licence["number"] in licences and receipt["number"] not in licences
    assert receipt["number"] in documents and "办理结果文书" in documents


def test_a_new_enterprise_never_takes_a_credit_code_the_register_holds(
    client: TestClient, as_user: Any, db: Session
) -> None:
    """A code is made from the licence's serial: where the register already holds it (a
    department's own registration, or an earlier company of a reused serial) the new
    company got that company's code, and its profile showed the other company's record."""
    first = next_ids(db, Licence.__table__)[0]
    held = {
        numbers.new_credit_code(division="350100", serial=serial, sole_trader=False)
        for serial in range(first, first + 40)
    }
    for code in held:
        fields = {"credit_code": code, "name": "福州某某贸易有限公司", "status": "存续"}
        put_record(db, code="enterprise_register", key=code, fields=fields, now=START)
    db.commit()
    result = licensed(client, as_user, BUSINESS)
    code = validate_credit_code(result["number"])
    assert result["number"] not in held and code.division_code == "350100"
    assert result["number"][8:10] == "MB"  # the next letter of the organisation body
