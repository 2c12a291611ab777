"""企业开办 end to end as the fresh-clone tester ran it (issue 10): every result the
bundle issues is a signed e-licence of the enterprise it founds, and the credit code the
form promised "由登记结果自动回填" is filled from the 营业执照.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import API, find_code, run_worker, submitted
from tests.licences.support import finish
from tongban.cases.models import Case
from tongban.licences import envelope
from tongban.licences.models import Licence

STAFF = ("clerk", "scjg", "ga", "sw", "rs", "gjj", "approver", "issuer")


def _founded(client: TestClient, as_user: Any) -> tuple[str, list[dict[str, Any]]]:
    """A 企业开办 case of minfeng's, through to its results (PDFs printed)."""
    bundle = find_code(client, "企业开办", bundle=True)
    number = submitted(client, as_user("minfeng"), bundle)["number"]
    finish(client, *(as_user(name) for name in STAFF), number=number)
    run_worker(client)
    results = client.get(f"{API}/cases/{number}/results", headers=as_user("minfeng")).json()
    return number, results


def test_every_result_of_the_bundle_is_a_signed_e_licence_of_the_new_enterprise(
    client: TestClient, as_user: Any, db: Session
) -> None:
    number, results = _founded(client, as_user)
    titles = {r["title"] for r in results}
    assert {"营业执照", "印章刻制备案回执", "社会保险登记信息确认单"} <= titles, titles
    case = db.scalars(select(Case).where(Case.number == number)).one()
    rows = db.scalars(select(Licence).where(Licence.case_id == case.id))
    licences = {licence.result_document_id: licence for licence in rows}
    business = next(licence for licence in licences.values() if licence.name == "营业执照")
    for result in results:
        licence = licences.get(result["id"])
        assert licence is not None, f"{result['title']} is not an e-licence"
        assert result["number"] == licence.number and licence.number != number
        assert (licence.holder_name, licence.holder_code) == (
            business.holder_name,
            business.holder_code,
        ), result["title"]
        assert licence.issuer_name and licence.signature
        pdf = client.get(f"{API}/results/{result['id']}/document", headers=as_user("minfeng"))
        assert pdf.status_code == 200, result["title"]
        assert b"/FontFile2" in pdf.content and b"STSong" not in pdf.content, result["title"]
        signed = envelope.extract(pdf.content)
        assert signed is not None and signed["record"]["number"] == licence.number
        upload = {"file": ("licence.pdf", pdf.content, "application/pdf")}
        verified = client.post(f"{API}/licences/verify", files=upload).json()
        assert verified["verdict"] == "valid", (result["title"], verified)


def test_the_credit_code_promised_from_the_registration_is_backfilled(
    client: TestClient, as_user: Any, db: Session
) -> None:
    """The form said 由登记结果自动回填 and the credit code stayed empty after the 营业执照."""
    number, results = _founded(client, as_user)
    business = next(r for r in results if r["title"] == "营业执照")
    case = client.get(f"{API}/cases/{number}", headers=as_user("minfeng")).json()
    assert case["form_data"]["credit_code"] == business["number"]
    faces = client.get(f"{API}/licences", headers=as_user("minfeng")).json()
    seal = next(face for face in faces if face["name"] == "印章刻制备案回执")
    assert dict(seal["fields"])["统一社会信用代码"] == business["number"]
