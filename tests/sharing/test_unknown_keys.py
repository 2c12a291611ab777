"""A number typed to find a record (a property certificate number, a contract filing
number) that the source does not hold is said beside the field, with what to do: check it,
or upload the material instead. Owning the premises (情形引导: 自有房产) makes the proof of
title required, so an invented number cannot reach the confirm page with the proof
missing (trial fault 4)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.factories import API, entry, sign, upload
from tests.web.support import SignedIn, csrf
from tongban.catalog import situations
from tongban.demo.samples import fill_form

QYKB = "3501-BUNDLE-QYKB"
OWNED = {
    "premises": "owned",
    "agent": "self",
    "seal": "later",
    "invoice": "later",
    "staff": "later",
}
INVENTED = "闽(2024)福州市不动产权第9999999号"
NOT_HELD = "不动产登记簿中没有这个不动产权证书号，请核对，或上传“住所(经营场所)产权证明”"


def _typed(schema: dict[str, Any], **answers: str) -> dict[str, Any]:
    """A valid answer to the fields the applicant types (pulled ones left to the sources)."""
    form = fill_form(schema)
    shared = {name for name, prop in schema["properties"].items() if "x-source" in prop}
    return {**{k: v for k, v in form.items() if k not in shared}, **answers}


def _details(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.text
    return {d["field"]: d["message_zh"] for d in response.json()["error"]["details"]}


def _draft(client: TestClient, headers: dict[str, str], code: str, answers: Any, form: Any) -> str:
    body: dict[str, Any] = {"code": code, "form_data": form}
    if answers:
        body["situations"] = answers
    created = client.post(f"{API}/cases", json=body, headers=headers)
    assert created.status_code == 201, created.text
    return str(created.json()["number"])


def _provide_all_but(
    client: TestClient, headers: dict[str, str], number: str, spared: set[str]
) -> None:
    """Sign or upload every required material still missing, except ``spared``."""
    ways = client.get(f"{API}/cases/{number}/material-ways", headers=headers).json()
    for way in ways:
        if not way["required"] or way["way"] is not None or way["code"] in spared:
            continue
        if "signed" in way["ways"]:
            sign(client, headers, number, way["code"])
        else:
            assert upload(client, headers, number, way["code"]).status_code == 201


def test_owned_premises_make_the_proof_of_title_required() -> None:
    bundle = {
        "kind": "bundle",
        "code": QYKB,
        "bundle": {
            "situations": [
                {
                    "code": "premises",
                    "question": "?",
                    "options": [
                        {"value": "owned", "label": "自有", "require_materials": ["PROOF"]},
                        {"value": "leased", "label": "租赁", "omit_materials": ["PROOF"]},
                    ],
                }
            ],
            "time_limit": {"legal": 5, "promised": 2, "unit": "working_days"},
        },
        "items": [
            {
                "code": "A",
                "form": {"properties": {}},
                "time_limit": {"legal": 5, "promised": 2, "unit": "working_days"},
                "materials": [{"code": "PROOF", "name": "产权证明", "required": False}],
            }
        ],
    }
    owned = situations.tailor(bundle, {"premises": "owned"})
    assert [m["required"] for m in owned["materials"]] == [True]
    assert owned["items"][0]["materials"][0]["required"] is True
    assert situations.tailor(bundle, {"premises": "leased"})["materials"] == []
    assert bundle["items"][0]["materials"][0]["required"] is False  # the catalog's unchanged


def test_an_invented_certificate_number_is_refused_beside_its_field(
    client: TestClient, as_user: Any, population: dict
) -> None:
    """Owned premises, a certificate number the register does not hold, no proof
    uploaded: submission is refused, at the number and at the proof; uploading the proof
    instead (as the message says) lets it through."""
    headers = as_user("zhangsan")
    spec = client.get(f"{API}/bundles/{QYKB}", params={f"s_{k}": v for k, v in OWNED.items()})
    form = _typed(
        spec.json()["definition"]["form"],
        property_cert_number=INVENTED,
        registered_address="福建省福州市鼓楼区五一路1号",  # pulled only for a number held
    )
    number = _draft(client, headers, QYKB, OWNED, form)
    _provide_all_but(client, headers, number, {"PREMISES_PROOF"})

    refused = _details(client.post(f"{API}/cases/{number}/submit", headers=headers))

    assert refused["property_cert_number"] == NOT_HELD
    assert "materials.PREMISES_PROOF" in refused
    assert upload(client, headers, number, "PREMISES_PROOF").status_code == 201
    submitted = client.post(f"{API}/cases/{number}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.text


def test_the_form_page_shows_it_beside_the_number_on_confirming(
    signed_in: SignedIn, population: dict
) -> None:
    """The applicant's page: 确认提交 with an invented number shows the form again with
    the reason beside the certificate number, not the confirm page."""
    client = signed_in("zhangsan")
    query = "&".join(f"s_{k}={v}" for k, v in OWNED.items())
    page = client.get(f"/apply/{QYKB}?{query}")
    typed = {
        "property_cert_number": INVENTED,
        "registered_address": "福建省福州市鼓楼区五一路1号",
        "csrf_token": csrf(page.text),
    }
    answered = client.post(f"/apply/{QYKB}?{query}", data=typed)
    assert answered.status_code == 422
    assert "/review" not in str(answered.url)
    assert NOT_HELD in answered.text
    assert f'value="{INVENTED}"' in answered.text


def test_a_contract_filing_number_not_on_record_is_said_beside_its_field(
    client: TestClient, as_user: Any, population: dict
) -> None:
    """The sibling: a housing-fund withdrawal for a purchase (3501-GJJ-002) looks the sale
    up by its filing number (网签备案号); one the filings do not hold is said there."""
    headers = as_user("zhangsan")
    code = "3501-GJJ-002"
    form = _typed(entry(client, code)["form"], contract_record_number="WQ20249999999")
    number = _draft(client, headers, code, None, form)

    refused = _details(client.post(f"{API}/cases/{number}/submit", headers=headers))

    assert refused["contract_record_number"].startswith("存量房网签备案库中没有这个")
    assert refused["contract_record_number"].endswith("请核对，或上传“存量房买卖合同(网签备案)”")


def test_saving_the_draft_says_it_beside_the_number_at_once_and_keeps_it(
    signed_in: SignedIn, population: dict
) -> None:
    """保存草稿 with an invented number: the saved draft's page says at once, beside the
    number, that the register holds no such certificate (before, nothing was said until
    确认提交); the number and the address are saved as typed; the English page says it too."""
    client = signed_in("zhangsan")
    query = "&".join(f"s_{k}={v}" for k, v in OWNED.items())
    typed = {
        "property_cert_number": INVENTED,
        "registered_address": "福建省福州市鼓楼区五一路1号",
        "intent": "save",
        "csrf_token": csrf(client.get(f"/apply/{QYKB}?{query}").text),
    }
    saved = client.post(f"/apply/{QYKB}?{query}", data=typed)

    assert saved.status_code == 200 and "/edit" in str(saved.url), saved.text[-1500:]
    assert f'<p class="error" id="e-property_cert_number">{NOT_HELD}</p>' in saved.text
    assert f'value="{INVENTED}"' in saved.text
    assert 'value="福建省福州市鼓楼区五一路1号"' in saved.text
    english = client.get(str(saved.url), headers={"Accept-Language": "en"}).text
    assert "holds no record of this number; check it" in english
