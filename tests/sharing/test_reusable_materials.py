"""Reusable materials: the profile lists what the applicant uploaded for earlier cases
(name, case, date, valid or not), and a new case of the same applicant takes such a file
instead of a new upload; nobody else's file can be taken."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.catalog.conftest import CatalogCopy
from tests.factories import act, draft, open_task, submitted, upload
from tests.web.support import SignedIn, csrf
from tongban.cases.models import Case, Material
from tongban.catalog import service as catalog
from tongban.demo.samples import sample

ITEM = "3501-RS-004"  # 就业创业证申领: PHOTO is uploaded only
API = "/api/v1"


def _photo_row(db: Session, number: str) -> Material:
    case = db.scalars(select(Case).where(Case.number == number)).one()
    return db.scalars(
        select(Material).where(
            Material.case_id == case.id,
            Material.material_code == "PHOTO",
            Material.replaced_at.is_(None),
        )
    ).one()


def test_the_profile_lists_uploads_and_says_whether_they_may_be_reused(
    client: TestClient, as_user, signed_in: SignedIn, db: Session
) -> None:  # type: ignore[no-untyped-def]
    number = submitted(client, as_user("zhangsan"), ITEM)["number"]
    mine = client.get(f"{API}/profiles/me", headers=as_user("zhangsan")).json()[0]
    photo = next(m for m in mine["materials"] if m["code"] == "PHOTO")
    assert photo["case"] == number and photo["name"] == "近期免冠证件照片(数码相片回执)"
    assert photo["valid"] is False and photo["why"] == "原办件尚未受理"
    rs = as_user("rs")
    accepted = act(client, rs, open_task(client, rs, number, "accept"), "accept", opinion="受理")
    assert accepted.status_code == 200, accepted.text
    mine = client.get(f"{API}/profiles/me", headers=as_user("zhangsan")).json()[0]
    photo = next(m for m in mine["materials"] if m["code"] == "PHOTO")
    assert photo["valid"] is True and photo["why"] is None
    page = signed_in("zhangsan").get("/my/profile").text
    assert "可复用的材料" in page and "有效，新的申请可直接沿用" in page and number in page
    english = signed_in("zhangsan").get("/my/profile?lang=en").text
    assert "Reusable materials" in english and "Recent bareheaded ID photo" in english
    others = client.get(f"{API}/profiles/me", headers=as_user("lisi")).json()
    assert all(m["case"] != number for p in others for m in p["materials"])


def test_a_new_case_takes_an_earlier_upload_instead_of_a_new_one(
    client: TestClient, as_user, signed_in: SignedIn, db: Session
) -> None:  # type: ignore[no-untyped-def]
    earlier = submitted(client, as_user("zhangsan"), ITEM)["number"]
    rs = as_user("rs")
    act(client, rs, open_task(client, rs, earlier, "accept"), "accept", opinion="受理")
    source = _photo_row(db, earlier)
    browser = signed_in("zhangsan")
    page = browser.get(f"/apply/{ITEM}").text
    offer = f'name="reuse" value="PHOTO:{source.id}"'
    assert offer in page and f"办件 {earlier}" in page
    taken = browser.post(
        f"/apply/{ITEM}", data={"csrf_token": csrf(page), "reuse": f"PHOTO:{source.id}"}
    )
    assert taken.status_code == 200, taken.text
    assert "已沿用以前上传的材料" in taken.text and f"沿用办件 {earlier} 中上传的材料" in taken.text
    number = re.search(r"/cases/(\d+)/edit", str(taken.url))
    assert number is not None
    reused = _photo_row(db, number.group(1))
    assert reused.sha256 == source.sha256 and reused.filename == source.filename
    # another applicant cannot take zhangsan's file into their own draft
    other = signed_in("lisi")
    form = other.get(f"/apply/{ITEM}").text
    assert offer not in form
    refused = other.post(
        f"/apply/{ITEM}", data={"csrf_token": csrf(form), "reuse": f"PHOTO:{source.id}"}
    )
    assert refused.status_code == 422
    assert "所选的以前上传的文件不能用于本材料" in refused.text


def test_an_api_client_reuses_an_earlier_upload_its_profile_lists(
    client: TestClient, as_user, db: Session
) -> None:  # type: ignore[no-untyped-def]
    headers = as_user("zhangsan")
    earlier = submitted(client, headers, ITEM)["number"]
    rs = as_user("rs")
    act(client, rs, open_task(client, rs, earlier, "accept"), "accept", opinion="受理")
    listed = client.get(f"{API}/profiles/me", headers=headers).json()[0]["materials"]
    photo = next(m for m in listed if m["code"] == "PHOTO" and m["case"] == earlier)
    created = client.post(f"{API}/cases", json={"code": ITEM, "form_data": {}}, headers=headers)
    number = created.json()["number"]
    body = {"material_code": "PHOTO", "material_id": photo["id"]}
    taken = client.post(f"{API}/cases/{number}/materials/reuse", json=body, headers=headers)
    assert taken.status_code == 201, taken.text
    assert taken.json()["filename"] == photo["filename"]
    assert _photo_row(db, number).sha256 == _photo_row(db, earlier).sha256
    other = as_user("lisi")
    theirs = client.post(f"{API}/cases", json={"code": ITEM, "form_data": {}}, headers=other)
    refused = client.post(
        f"{API}/cases/{theirs.json()['number']}/materials/reuse", json=body, headers=other
    )
    assert refused.status_code == 422


RESIDENCE = "3501-GA-004"  # 居住证申领: its photo of at most 6 months
DOCTOR = "3501-WJW-004"  # 医师执业注册: a health examination within 6 months (reuse_months 6)


def _accepted(client: TestClient, as_user, code: str) -> str:  # type: ignore[no-untyped-def]
    number = submitted(client, as_user("zhangsan"), code)["number"]
    staff = as_user("wjw")
    accepted = act(client, staff, open_task(client, staff, number, "accept"), "accept")
    assert accepted.status_code == 200, accepted.text
    return str(number)


def test_an_upload_past_its_materials_reuse_period_is_not_offered_and_says_why(
    client: TestClient, as_user, signed_in: SignedIn, clock
) -> None:  # type: ignore[no-untyped-def]
    earlier = _accepted(client, as_user, DOCTOR)
    clock.advance(days=200)  # 2025-09-22 → 2026-04-10: past 6 months, within 12
    browser = signed_in("zhangsan")
    page = browser.get(f"/apply/{DOCTOR}").text
    assert 'value="MEDICAL_EMPLOYMENT:' in page  # declares nothing: the 12 months' default
    assert 'value="HEALTH_EXAM_6M:' not in page and 'value="PHOTO:' not in page
    said = f"您在办件 {earlier} 中（2025-09-22）上传的此材料不能沿用：上传已超过 6 个月"
    assert said in page
    english = browser.get(f"/apply/{DOCTOR}?lang=en").text
    assert f"uploaded for case {earlier} (2025-09-22) cannot be reused: uploaded more " in english
    clock.advance(days=200)  # past 12 months: the default's end
    page = browser.get(f"/apply/{DOCTOR}").text
    assert 'value="MEDICAL_EMPLOYMENT:' not in page and "上传已超过 12 个月" in page


def test_the_api_refuses_a_file_past_its_reuse_period_saying_why(
    client: TestClient, as_user, clock
) -> None:  # type: ignore[no-untyped-def]
    headers = as_user("zhangsan")
    earlier = _accepted(client, as_user, DOCTOR)
    clock.advance(days=200)
    listed = client.get(f"{API}/profiles/me", headers=headers).json()[0]["materials"]
    exam = next(m for m in listed if m["code"] == "HEALTH_EXAM_6M" and m["case"] == earlier)
    assert exam["valid"] is False and exam["why"].startswith("上传已超过 6 个月")
    assert exam["why_en"].startswith("uploaded more than 6 months ago")
    created = client.post(f"{API}/cases", json={"code": DOCTOR, "form_data": {}}, headers=headers)
    body = {"material_code": "HEALTH_EXAM_6M", "material_id": exam["id"]}
    number = created.json()["number"]
    refused = client.post(f"{API}/cases/{number}/materials/reuse", json=body, headers=headers)
    assert refused.status_code == 422
    assert "不能沿用：上传已超过 6 个月" in refused.text


def _submitted_with_a_photo(client: TestClient, headers: dict[str, str]) -> str:
    """A case of ``ITEM`` whose form the registers fill (the population is loaded)."""
    typed = {"employment_status": "就业", "phone": "13800000001"}
    created = client.post(f"{API}/cases", json={"code": ITEM, "form_data": typed}, headers=headers)
    number = str(created.json()["number"])
    assert upload(client, headers, number, "PHOTO", kind="jpg").status_code == 201
    sent = client.post(f"{API}/cases/{number}/submit", headers=headers)
    assert sent.status_code == 200, sent.text
    return number


def test_staff_handling_a_case_see_the_applicants_reusable_materials_logged(
    client: TestClient,
    as_user,
    signed_in: SignedIn,
    population: dict,  # type: ignore[no-untyped-def]
) -> None:
    """The profile holds the person's reusable materials (issue 10): staff reading it
    through a case they handle see them too (not the files), and the applicant sees that
    reading in their log, materials named."""
    rs, headers = as_user("rs"), as_user("zhangsan")
    earlier = _submitted_with_a_photo(client, headers)
    act(client, rs, open_task(client, rs, earlier, "accept"), "accept", opinion="受理")
    number = _submitted_with_a_photo(client, headers)
    task = open_task(client, rs, number, "accept")
    body = {"purpose": "核对照片"}
    read = client.post(f"{API}/cases/{number}/profile", json=body, headers=rs)
    assert read.status_code == 200, read.text
    photo = next(m for m in read.json()["materials"] if m["case"] == earlier)
    assert photo["code"] == "PHOTO" and photo["valid"] is True
    staff = signed_in("rs")
    html = staff.get(f"/staff/tasks/{task['id']}").text
    shown = staff.post(
        f"/cases/{number}/profile", data={"csrf_token": csrf(html), "purpose": "核对"}
    )
    assert shown.status_code == 200, shown.text
    assert "可复用的材料" in shown.text and earlier in shown.text
    assert f"/api/v1/materials/{photo['id']}/content" not in shown.text  # another case's file
    log = client.get(f"{API}/profiles/me", headers=as_user("zhangsan")).json()[0]["accesses"]
    assert "materials" in log[0]["fields"] and log[0]["purpose"] == f"办件 {number}：核对"
    mine = signed_in("zhangsan").get("/my/profile?lang=en").text
    assert re.search(r'data-label="Fields read">[^<]*Reusable materials', mine)


def _accepted_with_an_id_card(
    client: TestClient,
    as_user,  # type: ignore[no-untyped-def]
    valid_until: str | None,
) -> str:
    """A case of ``ITEM`` whose ID card was uploaded stating ``valid_until``, accepted."""
    headers = as_user("zhangsan")
    number = str(draft(client, headers, ITEM)["number"])
    files = {"file": ("id.pdf", sample("pdf", f"{number}/id"), "application/pdf")}
    data = {"material_code": "ID_CARD", **({"valid_until": valid_until} if valid_until else {})}
    sent = client.post(f"{API}/cases/{number}/materials", data=data, files=files, headers=headers)
    assert sent.status_code == 201, sent.text
    assert client.post(f"{API}/cases/{number}/submit", headers=headers).status_code == 200
    rs = as_user("rs")
    act(client, rs, open_task(client, rs, number, "accept"), "accept", opinion="受理")
    return number


def _listed(client: TestClient, headers: dict[str, str], code: str, number: str) -> dict:
    listed = client.get(f"{API}/profiles/me", headers=headers).json()[0]["materials"]
    return dict(next(m for m in listed if m["code"] == code and m["case"] == number))


def test_an_id_card_is_reused_while_it_is_valid_however_long_ago_it_was_uploaded(
    client: TestClient, as_user, clock
) -> None:  # type: ignore[no-untyped-def]
    """An identity document's own 有效期 decides, not the 12 months' reuse window: 400
    days after its upload a card valid until 2036 is still offered, the photo (6 months)
    is not, and the profile says which rule kept each."""
    headers = as_user("zhangsan")
    earlier = _accepted_with_an_id_card(client, as_user, "2036-01-31")
    clock.advance(days=400)  # 2025-09-22 → 2026-10-27: past the default's 12 months
    card = _listed(client, headers, "ID_CARD", earlier)
    assert card["valid"] is True and card["rule"] == "证件有效期至 2036-01-31"
    assert card["rule_en"] == "the document is valid until 2036-01-31"
    assert _listed(client, headers, "PHOTO", earlier)["valid"] is False
    created = client.post(f"{API}/cases", json={"code": ITEM, "form_data": {}}, headers=headers)
    body = {"material_code": "ID_CARD", "material_id": card["id"]}
    number = created.json()["number"]
    taken = client.post(f"{API}/cases/{number}/materials/reuse", json=body, headers=headers)
    assert taken.status_code == 201, taken.text


def test_an_expired_id_card_is_not_offered_and_the_form_says_why_in_both_languages(
    client: TestClient, as_user, signed_in: SignedIn, clock
) -> None:  # type: ignore[no-untyped-def]
    headers = as_user("zhangsan")
    earlier = _accepted_with_an_id_card(client, as_user, "2026-01-31")
    clock.advance(days=150)  # 2026-02-19: within 6 months of the upload, the card expired
    card = _listed(client, headers, "ID_CARD", earlier)
    assert card["valid"] is False and card["why"].startswith("证件已于 2026-01-31 过期")
    assert card["why_en"].startswith("the document expired on 2026-01-31")
    browser = signed_in("zhangsan")
    page = browser.get(f"/apply/{ITEM}").text
    assert 'value="ID_CARD:' not in page and 'value="PHOTO:' in page
    assert (
        f"您在办件 {earlier} 中（2025-09-22）上传的此材料不能沿用：证件已于 2026-01-31 过期" in page
    )
    english = browser.get(f"/apply/{ITEM}?lang=en").text
    assert "cannot be reused: the document expired on 2026-01-31" in english
    profile = signed_in("zhangsan").get("/my/profile").text
    assert "不可沿用：证件已于 2026-01-31 过期" in profile


def test_an_id_card_uploaded_without_its_expiry_is_not_reused_and_an_expired_one_is_refused(
    client: TestClient, as_user
) -> None:  # type: ignore[no-untyped-def]
    headers = as_user("zhangsan")
    earlier = _accepted_with_an_id_card(client, as_user, None)
    card = _listed(client, headers, "ID_CARD", earlier)
    assert card["valid"] is False and card["why"].startswith("上传时未填写证件有效期")
    number = draft(client, headers, ITEM)["number"]
    files = {"file": ("id.pdf", sample("pdf", f"{number}/old"), "application/pdf")}
    for given, said in (("2025-09-21", "证件已于 2025-09-21 过期"), ("明年", "年-月-日")):
        data = {"material_code": "ID_CARD", "valid_until": given}
        sent = client.post(
            f"{API}/cases/{number}/materials", data=data, files=files, headers=headers
        )
        assert sent.status_code == 422 and said in sent.text, sent.text
    data = {"material_code": "ID_CARD", "valid_until": "长期"}
    sent = client.post(f"{API}/cases/{number}/materials", data=data, files=files, headers=headers)
    assert sent.status_code == 201, sent.text


def test_the_item_applied_for_decides_how_old_an_earlier_file_may_be_and_the_form_names_it(
    client: TestClient,
    as_user,
    signed_in: SignedIn,
    clock,
    db: Session,
    catalog_copy: CatalogCopy,  # type: ignore[no-untyped-def]
) -> None:
    """就业创业证申领 keeps its photo 12 months; 居住证申领 takes one of at most 6 months. A
    photo uploaded 10 months ago is offered by the first and refused by the second, each
    form naming the item whose rule it applied; the profile keeps the photo's own item's."""
    catalog_copy.replace(f"items/{ITEM}.yaml", "  reuse_months: 6\n", "  reuse_months: 12\n")
    report = catalog.load_catalog(db, root=catalog_copy.root)
    assert report.read is not None and not report.read.errors, report.read.errors
    db.commit()
    earlier = _accepted_with_an_id_card(client, as_user, "2036-01-31")
    clock.advance(days=300)  # 2026-07-19: 10 months after the upload
    browser = signed_in("zhangsan")
    same = browser.get(f"/apply/{ITEM}").text
    assert 'value="PHOTO:' in same and "“就业创业证申领”允许沿用上传后 12 个月内的该材料" in same
    residence = browser.get(f"/apply/{RESIDENCE}").text
    assert 'value="PHOTO:' not in residence
    said = "上传已超过 6 个月，超出“居住证申领”对该材料的沿用期限"
    assert said in residence and 'value="ID_CARD:' in residence
    english = browser.get(f"/apply/{RESIDENCE}?lang=en").text
    assert "longer than Residence permit application lets this material be reused" in english
    photo = _listed(client, as_user("zhangsan"), "PHOTO", earlier)
    assert photo["valid"] is True and photo["rule"].startswith(
        "“就业创业证申领”允许沿用上传后 12 个月"
    )


def test_the_form_asks_an_id_cards_expiry_beside_its_file_and_refuses_an_expired_one(
    signed_in: SignedIn, db: Session
) -> None:
    browser = signed_in("zhangsan")
    page = browser.get(f"/apply/{ITEM}").text
    assert 'name="valid_until_ID_CARD"' in page and "证件有效期至" in page
    assert 'name="valid_until_PHOTO"' not in page  # a photo has no validity of its own
    assert "Document valid until" in browser.get(f"/apply/{ITEM}?lang=en").text
    card = {"m_ID_CARD": ("id.pdf", sample("pdf", "form/id"), "application/pdf")}
    expired = {"csrf_token": csrf(page), "valid_until_ID_CARD": "2025-01-31"}
    refused = browser.post(f"/apply/{ITEM}", data=expired, files=card)
    assert "证件已于 2025-01-31 过期，请上传有效期内的证件" in refused.text
    valid = {"csrf_token": csrf(page), "intent": "save", "valid_until_ID_CARD": "2036-01-31"}
    saved = browser.post(f"/apply/{ITEM}", data=valid, files=card)
    number = re.search(r"/cases/(\d+)/edit", str(saved.url))
    assert number is not None, saved.text
    case = db.scalars(select(Case).where(Case.number == number.group(1))).one()
    row = db.scalars(select(Material).where(Material.case_id == case.id)).one()
    assert row.material_code == "ID_CARD" and row.detail == {"valid_until": "2036-01-31"}
    assert 'value="2036-01-31"' in browser.get(f"/cases/{number.group(1)}/edit").text


def test_an_expiry_typed_after_the_file_was_sent_is_kept_with_the_form(
    client: TestClient, as_user, signed_in: SignedIn, db: Session
) -> None:  # type: ignore[no-untyped-def]
    """The page sends a file as soon as it is chosen: a date typed afterwards arrives with
    the saved form and joins the file already stored."""
    number = draft(client, as_user("zhangsan"), ITEM)["number"]
    browser = signed_in("zhangsan")
    page = browser.get(f"/cases/{number}/edit").text
    data = {"csrf_token": csrf(page), "intent": "save", "valid_until_ID_CARD": "长期"}
    assert browser.post(f"/cases/{number}/edit", data=data).status_code == 200
    case = db.scalars(select(Case).where(Case.number == number)).one()
    rows = db.scalars(
        select(Material).where(
            Material.case_id == case.id,
            Material.material_code == "ID_CARD",
            Material.replaced_at.is_(None),
        )
    )
    assert rows.one().detail == {"valid_until": "长期"}
