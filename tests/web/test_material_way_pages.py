"""The applicant's material list says how each material is satisfied and asks to upload
only what must be uploaded: the generated application form, a commitment letter read and
signed in the page, a certificate verified with its issuer, and an ID card that falls back
to an upload with the reason the platform could not get it."""

from __future__ import annotations

from typing import Any

from tests.factories import API, act, entry, open_task
from tests.web.support import PDF, SignedIn, check_structure, csrf, found
from tongban.demo.samples import SAMPLES, fill_form

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
    # no ID e-licence held, and no population loaded: the ID card falls back to an upload,
    # saying why
    assert 'name="m_ID_CARD"' in page
    assert (
        "未能自动获取（您名下没有有效的居民身份证电子证照；公安人口库中没有查到 350104… 的记录），请上传。"
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


def test_the_issuer_answers_a_verification_with_its_document_from_the_page(
    signed_in: SignedIn, as_user: Any
) -> None:
    client = signed_in("zhangsan")
    number = _draft(client, TAXI)
    token = csrf(client.get(f"/cases/{number}/edit").text)
    for code, kind in (("ID_CARD", "pdf"), ("PHOTO", "jpg")):
        sent = client.post(
            f"/cases/{number}/materials/{code}",
            data={"csrf_token": token},
            files={"file": (f"{code}.{kind}", SAMPLES[kind], "application/octet-stream")},
            follow_redirects=False,
        )
        assert sent.status_code == 303, sent.text
    form = {k: v for k, v in fill_form(entry(client, TAXI)["form"]).items()}
    applicant = as_user("zhangsan")
    saved = client.patch(f"{API}/cases/{number}", json={"form_data": form}, headers=applicant)
    assert saved.status_code == 200, saved.text
    submitted = client.post(f"{API}/cases/{number}/submit", headers=applicant)
    assert submitted.status_code == 200, submitted.text
    jt = as_user("jt")
    task = open_task(client, jt, number, "accept")
    assert act(client, jt, task, "accept", opinion="受理").status_code == 200

    ga = signed_in("ga")
    asked = [r for r in ga.get(f"{API}/verifications").json() if r["case_number"] == number]
    request = next(r for r in asked if r["material_code"] == "NO_CRIME_RECORD")
    page = ga.get(f"/staff/verifications/{request['id']}").text
    check_structure(page)
    assert 'enctype="multipart/form-data"' in page and 'name="document"' in page
    not_a_pdf = ga.post(
        f"/staff/verifications/{request['id']}/answer",
        data={"csrf_token": csrf(page), "answer": "经查无相关记录。", "confirmed": "false"},
        files={"document": ("fake.pdf", b"plain text", "application/pdf")},
    )
    assert not_a_pdf.status_code == 422 and "不是 PDF" in not_a_pdf.text
    # what was typed and chosen comes back with the reason
    assert "经查无相关记录。</textarea>" in not_a_pdf.text
    assert 'value="false" checked' in not_a_pdf.text
    answered = ga.post(
        f"/staff/verifications/{request['id']}/answer",
        data={"csrf_token": csrf(page), "answer": "经查无相关记录。", "confirmed": "true"},
        files={"document": ("无犯罪记录证明.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert answered.status_code == 303, answered.text

    reviewer = signed_in("jt")
    review = open_task(client, jt, number, "review")
    shown = reviewer.get(f"/staff/tasks/{review['id']}").text
    assert "已由福州市公安局协查核实" in shown and "A 级：平台签发或权威来源调取" in shown
    assert "无犯罪记录证明.pdf" in shown
