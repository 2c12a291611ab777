"""Inspection photos on the JSON API (issue 16): a drawn inspector uploads from a phone app
what the inspection page takes, checked alike (a PDF named .jpg is refused, saying what to
fix); the applicant lists and opens them; nobody else sees them; the OpenAPI document
describes the upload's form and the answer."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.conftest import Clock
from tests.factories import API
from tests.inspection.test_inspection import JPG, PDF, _agree, _order, review
from tongban.accounts.models import User

__all__ = ["review"]  # the fixture: a 食品生产许可 case of 民丰 in review


def test_no_photo_is_taken_before_the_applicant_agreed_the_visit(
    client: TestClient, review: dict[str, Any], as_user: Any, db: Session, clock: Clock
) -> None:
    """A phone photo of "the first visit" while the appointment still waited for the
    applicant's answer was kept (the tester's fault 4)."""
    found = _order(db, review)
    inspector = db.get_one(User, found.first_inspector_id)
    db.commit()
    photos = f"{API}/inspections/{found.id}/photos"
    early = client.post(
        photos, files={"file": ("site.jpg", JPG, "image/jpeg")}, headers=as_user(inspector.username)
    )
    assert early.status_code == 409
    assert "踏勘时间尚未与申请人约定" in early.json()["error"]["message"]
    _agree(db, found, inspector, clock.now)
    db.commit()
    added = client.post(
        photos, files={"file": ("site.jpg", JPG, "image/jpeg")}, headers=as_user(inspector.username)
    )
    assert added.status_code == 201, added.text


def test_a_drawn_inspector_adds_photos_and_the_applicant_opens_them(
    client: TestClient, review: dict[str, Any], as_user: Any, db: Session, clock: Clock
) -> None:
    found = _order(db, review)
    _agree(db, found, db.get_one(User, found.first_inspector_id), clock.now)
    db.commit()
    first = db.get_one(User, found.inspector_ids[0]).username
    photos = f"{API}/inspections/{found.id}/photos"
    check = found.checklist[0]["code"]
    disguised = client.post(
        photos, files={"file": ("site.jpg", PDF, "image/jpeg")}, headers=as_user(first)
    )
    assert disguised.status_code == 422
    assert "JPG" in disguised.json()["error"]["message"]
    added = client.post(
        photos,
        files={"file": ("site.jpg", JPG, "image/jpeg")},
        data={"check_code": check},
        headers=as_user(first),
    )
    assert added.status_code == 201, added.text
    body = added.json()
    assert (body["check_code"], body["content_type"], body["size"]) == (
        check,
        "image/jpeg",
        len(JPG),
    )
    unknown = client.post(
        photos,
        files={"file": ("site.jpg", JPG, "image/jpeg")},
        data={"check_code": "no-such-check"},
        headers=as_user(first),
    )
    assert unknown.status_code == 422 and unknown.json()["error"]["field"] == "check_code"
    reviewer = client.post(
        photos, files={"file": ("site.jpg", JPG, "image/jpeg")}, headers=as_user("scjg")
    )
    assert reviewer.status_code == 403  # only the drawn inspectors take photos

    listed = client.get(photos, headers=as_user("minfeng"))
    assert [p["id"] for p in listed.json()] == [body["id"]]
    image = client.get(f"{photos}/{body['id']}", headers=as_user("minfeng"))
    assert image.status_code == 200 and image.content == JPG
    assert image.headers["content-type"] == "image/jpeg"
    assert client.get(photos, headers=as_user("zhangsan")).status_code == 404
    assert client.get(f"{photos}/{body['id']}", headers=as_user("zhangsan")).status_code == 404


def test_the_openapi_document_describes_the_photo_upload(client: TestClient) -> None:
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    upload = paths[f"{API}/inspections/{{inspection_id}}/photos"]["post"]
    form = upload["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert "$ref" in form or "properties" in form
    assert "201" in upload["responses"]
    assert "get" in paths[f"{API}/inspections/{{inspection_id}}/photos"]
    opened = paths[f"{API}/inspections/{{inspection_id}}/photos/{{photo_id}}"]["get"]
    assert "image/jpeg" in opened["responses"]["200"]["content"]
