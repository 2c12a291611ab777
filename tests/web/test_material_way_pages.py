"""The applicant's material list says how each material is satisfied and asks to upload
only what must be uploaded: the generated application form, a commitment letter read and
signed in the page, a certificate verified with its issuer, and an ID card that falls back
to an upload with the reason the platform could not get it."""

from __future__ import annotations

from tests.web.support import SignedIn, check_structure, csrf, found

KCG = "3501-BUNDLE-KCG"  # 我要开餐馆: application form, 告知承诺书, ID card …
TAXI = "3501-JT-002"  # NO_CRIME_RECORD verified with 公安局


def _draft(client, code: str) -> str:  # type: ignore[no-untyped-def]
    token = csrf(client.get(f"/apply/{code}").text)
    saved = client.post(f"/apply/{code}", data={"intent": "save", "csrf_token": token})
    return found(r"/cases/(\d+)/edit", str(saved.url))


def test_the_form_says_how_each_material_is_satisfied(signed_in: SignedIn) -> None:
    client = signed_in("minfeng")
    first = client.get(f"/apply/{KCG}").text
    assert "由系统根据申请表自动生成" in first and 'name="m_APPLICATION_FORM"' not in first
    number = _draft(client, KCG)
    page = client.get(f"/cases/{number}/edit").text
    check_structure(page)
    assert 'name="m_APPLICATION_FORM"' not in page and 'name="m_COMMITMENT_LETTER"' not in page
    assert "由系统根据申请表自动生成" in page
    assert "本人(本单位)郑重承诺" in page and 'name="sign_COMMITMENT_LETTER"' in page
    # no e-licence service here, and no population loaded: the ID card falls back to an
    # upload, saying why
    assert 'name="m_ID_CARD"' in page
    assert (
        "未能自动获取（本平台尚未接通“电子证照”服务；公安人口库中没有查到 350104… 的记录），请上传。"
        in page
    )


def test_a_commitment_letter_is_signed_in_the_page_and_shown_to_reviewers(
    signed_in: SignedIn,
) -> None:
    client = signed_in("minfeng")
    number = _draft(client, KCG)
    token = csrf(client.get(f"/cases/{number}/edit").text)
    wrong = client.post(
        f"/cases/{number}/signatures/COMMITMENT_LETTER",
        data={"csrf_token": token, "sign_COMMITMENT_LETTER": "李四"},
    )
    assert wrong.status_code == 422 and "请输入申请人姓名“王五”以确认签署" in wrong.text
    signed = client.post(
        f"/cases/{number}/signatures/COMMITMENT_LETTER",
        data={"csrf_token": token, "sign_COMMITMENT_LETTER": "王五", "enterprise_name": "闽丰餐饮"},
    )
    assert signed.status_code == 200 and "done=signed" in str(signed.url)
    page = signed.text
    assert "已在线签署" in page and 'name="sign_COMMITMENT_LETTER"' not in page
    assert 'value="闽丰餐饮"' in page  # what was typed before signing is kept
    ways = client.get(f"/api/v1/cases/{number}/material-ways").json()
    letter = next(w for w in ways if w["code"] == "COMMITMENT_LETTER")
    assert letter["way"] == "signed" and letter["trust_level"] == "D"
    text = client.get(f"/api/v1/cases/{number}/materials/COMMITMENT_LETTER/letter").json()
    rows = client.get(f"/api/v1/cases/{number}/materials").json()
    row = next(r for r in rows if r["material_code"] == "COMMITMENT_LETTER")
    assert row["reference"] == f"sha256:{text['sha256']}" and row["summary"] == "已在线签署"


def test_a_certificate_verified_with_its_issuer_is_not_asked_for(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    number = _draft(client, TAXI)
    page = client.get(f"/cases/{number}/edit").text
    assert 'name="m_NO_CRIME_RECORD"' not in page
    assert "由审批部门向福州市公安局协查，无需提交" in page
