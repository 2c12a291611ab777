"""Who may apply is checked before anyone fills in a form: a personal account is refused an
enterprise-only item at its form page and at draft creation (page and API), with who
applies and what to do, in the user's language; an enterprise account likewise for a
person-only item."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.testclient import TestClient

from tests.web.support import SignedIn, csrf

ENTERPRISE_ONLY = "3501-SCJG-006"  # 药品零售企业许可
PERSON_ONLY = "3501-GA-003"  # 居民身份证换领


def test_a_person_is_refused_the_form_of_an_enterprise_only_item(signed_in: SignedIn) -> None:
    client = signed_in("zhangsan")
    page = client.get(f"/apply/{ENTERPRISE_ONLY}")
    assert page.status_code == 403
    assert "只能由企业（法人）申请" in page.text and "企业账号登录" in page.text
    assert "代办授权" in page.text and 'name="applicant_name"' not in page.text
    english = client.get(f"/apply/{ENTERPRISE_ONLY}", headers={"Accept-Language": "en"})
    assert "enterprises (legal persons) only" in english.text


def test_a_draft_of_the_wrong_subject_is_never_started(
    signed_in: SignedIn, client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    person = signed_in("zhangsan")
    token = csrf(person.get("/apply/3501-RS-003").text)
    posted = person.post(f"/apply/{ENTERPRISE_ONLY}", data={"csrf_token": token})
    assert posted.status_code == 403 and "企业账号登录" in posted.text
    client.cookies.clear()
    api = client.post("/api/v1/cases", json={"code": ENTERPRISE_ONLY}, headers=as_user("zhangsan"))
    assert api.status_code == 403 and api.json()["error"]["code"] == "wrong_subject"
    assert client.get("/api/v1/cases", headers=as_user("zhangsan")).json() == []


def test_an_enterprise_is_refused_a_person_only_item(signed_in: SignedIn) -> None:
    client = signed_in("minfeng")
    page = client.get(f"/apply/{PERSON_ONLY}")
    assert page.status_code == 403 and "只能由自然人（个人）申请" in page.text
    assert client.get(f"/apply/{ENTERPRISE_ONLY}").status_code == 200


def test_a_person_founding_a_company_may_apply_for_its_registration_alone(
    signed_in: SignedIn, client: TestClient, as_user: Callable[[str], dict[str, str]]
) -> None:
    """A company does not exist before its registration: its founders apply (《公司法》
    第二十九条). The 企业开办 bundle took a person's application for 企业设立登记 while the
    item alone refused it as enterprise-only."""
    person = signed_in("zhangsan")
    form = person.get("/apply/3501-SCJG-001")
    assert form.status_code == 200 and "只能由企业" not in form.text
    guide = person.get("/items/3501-SCJG-001").text
    assert 'href="/apply/3501-SCJG-001' in guide and "只能由" not in guide
    client.cookies.clear()
    draft = client.post(
        "/api/v1/cases", json={"code": "3501-SCJG-001"}, headers=as_user("zhangsan")
    )
    assert draft.status_code == 201, draft.text


SITUATED = "3501-SCJG-003"  # 个体工商户设立登记: persons only, with situation questions


def test_the_guide_says_who_applies_and_offers_the_wrong_account_no_application(
    signed_in: SignedIn, client: TestClient
) -> None:
    """The guide offered 情形引导 and 在线办理 to a person on an enterprise-only item; only
    /apply refused it. It now says who applies, to everyone, and a signed-in account of the
    other kind reads why it cannot apply and what to do instead, with nothing to press."""
    visitor = client.get(f"/items/{ENTERPRISE_ONLY}").text
    assert "申请对象：企业（法人）" in visitor and f'href="/apply/{ENTERPRISE_ONLY}' in visitor
    person = signed_in("zhangsan")
    for query in ("", "?apply=1"):
        page = person.get(f"/items/{ENTERPRISE_ONLY}{query}").text
        assert "申请对象：企业（法人）" in page and "只能由企业（法人）申请" in page
        assert f'href="/apply/{ENTERPRISE_ONLY}' not in page and 'id="situations"' not in page
        assert 'href="/my/authorisations"' in page
    english = person.get(f"/items/{ENTERPRISE_ONLY}", headers={"Accept-Language": "en"}).text
    assert "Who applies: enterprises (legal persons)" in english
    assert "enterprises (legal persons) only" in english
    own = person.get(f"/items/{SITUATED}").text
    assert "申请对象：个人（自然人）" in own and 'id="situations"' in own
    assert f'href="/apply/{SITUATED}' in own and "只能由" not in own
    enterprise = signed_in("minfeng")
    theirs = enterprise.get(f"/items/{ENTERPRISE_ONLY}").text
    assert f'href="/apply/{ENTERPRISE_ONLY}' in theirs and 'id="situations"' in theirs
    refused = enterprise.get(f"/items/{SITUATED}").text
    assert "只能由自然人（个人）申请" in refused and f'href="/apply/{SITUATED}' not in refused
    assert 'id="situations"' not in refused


def test_a_bundle_guide_says_who_applies_by_the_bundles_own_subject(signed_in: SignedIn) -> None:
    """企业注销 (QYZX) serves enterprises only, as its own ``subject`` says."""
    page = signed_in("zhangsan").get("/bundles/3501-BUNDLE-QYZX").text
    assert "申请对象：企业（法人）" in page and "只能由企业（法人）申请" in page
    assert 'href="/apply/3501-BUNDLE-QYZX' not in page
