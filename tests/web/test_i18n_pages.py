"""Every page text has an English translation, pages render in English on request, and
every template is rendered by this tour.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import pyotp
import pytest
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Clock
from tests.conftest import token as api_token
from tests.experts.tour import expert_pages
from tests.factories import act, open_task, submitted
from tests.licences.support import FOOD, licensed
from tests.payments.helpers import submit_id_card
from tests.web.support import (
    ITEM,
    PDF,
    VALID,
    SignedIn,
    check_structure,
    confirm,
    fill_in,
    found,
)
from tongban.app import create_app
from tongban.cases.core.machine import STATE_NAMES_ZH
from tongban.cases.core.queries import STAGE_NAMES_ZH
from tongban.cases.models import Case
from tongban.ratings import links as rating_links
from tongban.ratings.enums import RatingChannel
from tongban.web import templating
from tongban.web.i18n import ngettext_for
from tongban.web.runtime import Runtime

TEMPLATES = Path(str(resources.files("tongban").joinpath("templates")))
PO = Path(str(resources.files("tongban").joinpath("locale/en/LC_MESSAGES/messages.po")))
MSGID = re.compile(r"""_n?\(\s*(?:"([^"]+)"|'([^']+)')""")  # _(…) and _n(…) (counting)
HAN = re.compile(
    r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]+"
)  # ideographs and full-width punctuation
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
COUNTED = re.compile(r"""_n\(\s*(?:"([^"]+)"|'([^']+)')""")
FORMS = "\x1f"  # between the two English forms of a counting message (_n)

QYKB_ANSWERS = "s_premises=leased&s_agent=agent&s_seal=now&s_invoice=now&s_staff=now"


def _templates() -> dict[str, str]:
    return {
        p.relative_to(TEMPLATES).as_posix(): p.read_text(encoding="utf-8")
        for p in TEMPLATES.rglob("*.html")
    }


def _msgids() -> set[str]:
    found = {a or b for text in _templates().values() for a, b in MSGID.findall(text)}
    return found | set(STATE_NAMES_ZH.values()) | set(STAGE_NAMES_ZH.values())


def _translations() -> dict[str, str]:
    """msgid → its English; a counting message's two forms (1, and any other number)
    joined by FORMS, both required."""
    with PO.open("rb") as handle:
        messages = [m for m in read_po(handle) if m.id]
    found = {}
    for m in messages:
        if isinstance(m.id, tuple):
            forms = list(m.string)
            found[m.id[0]] = FORMS.join(forms) if len(forms) == 2 and all(forms) else ""
        else:
            found[str(m.id)] = str(m.string)
    return found


def test_every_msgid_has_an_english_translation() -> None:
    translations = _translations()
    missing = sorted(msgid for msgid in _msgids() if not translations.get(msgid, "").strip())
    assert not missing, f"add English for: {missing}"


def test_counting_messages_have_a_singular_and_a_plural_in_english() -> None:
    counted = {a or b for text in _templates().values() for a, b in COUNTED.findall(text)}
    translations = _translations()
    single = sorted(m for m in counted if len(translations.get(m, "").split(FORMS)) != 2)
    assert not single, f"give these msgid_plural and two English forms: {single}"
    ngettext = ngettext_for("en")
    assert ngettext("需要办理 %(num)s 个事项：", 1) == "1 item to apply for:"
    assert ngettext("需要办理 %(num)s 个事项：", 2) == "2 items to apply for:"
    assert ngettext_for("zh_Hans")("需要办理 %(num)s 个事项：", 1) == "需要办理 1 个事项："


def test_translations_keep_their_placeholders() -> None:
    for msgid, text in _translations().items():
        for form in text.split(FORMS):
            assert set(PLACEHOLDER.findall(msgid)) == set(PLACEHOLDER.findall(form)), msgid


def test_no_chinese_text_outside_translations() -> None:
    for name, text in _templates().items():
        bare = MSGID.sub("", re.sub(r"\{#.*?#\}", "", text, flags=re.S))
        assert not HAN.search(bare), f"{name}: {HAN.findall(bare)}"


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Names of the templates loaded while the test runs (pages, layouts, includes, imports)."""
    names: set[str] = set()
    env = templating.environment()
    original = env.get_template

    def recording(name: Any, *args: Any, **kwargs: Any) -> Any:
        names.add(str(getattr(name, "name", name)))
        return original(name, *args, **kwargs)

    monkeypatch.setattr(env, "get_template", recording)
    return names


def _second_factor_pages(runtime: Runtime, clock: Clock) -> list[str]:
    """A staff sign-in that must enrol an authenticator: the QR page, the recovery codes."""
    settings = runtime.settings.model_copy(update={"second_factor_for_staff": True})
    with TestClient(create_app(replace(runtime, settings=settings), start_worker=False)) as strict:
        strict.cookies.set("tongban_lang", "en")
        token = found(r'name="csrf_token" value="(\w+)"', strict.get("/login").text)
        data = {"username": "clerk", "password": "demo12345", "csrf_token": token}
        enrol = strict.post("/login", data=data).text
        assert "Two-factor sign-in" in enrol and "<svg" in enrol
        secret = found(r'<code id="totp-secret">(\w+)</code>', enrol)
        code = {"code": pyotp.TOTP(secret).at(clock.now), "csrf_token": token}
        codes = strict.post("/login/second-factor", data=code).text
        assert "Recovery codes" in codes
    return [enrol, codes]


def _payment_pages(client: TestClient, signed_in: SignedIn) -> list[str]:
    """Fees (the ID card's, paid before acceptance): the case's panel, the sandbox's pay
    page, the window's pickup check and the finance page."""
    number = submit_id_card(client, api_token(client, "zhangsan"))
    applicant = signed_in("zhangsan")
    applicant.cookies.set("tongban_lang", "en")
    pages = [applicant.get(f"/cases/{number}").text]
    assert "Fees and collection" in pages[-1] and "Pay online" in pages[-1]
    pages.append(applicant.get(found(r'href="(/sandbox/pay/\w+)"', pages[-1])).text)
    assert "Sandbox checkout" in pages[-1] and "Pay now" in pages[-1]
    ga = signed_in("ga")
    ga.cookies.set("tongban_lang", "en")
    pages.append(ga.get("/window/pickup").text)
    assert "Collect with a pickup code" in pages[-1]
    finance = signed_in("caiwu")
    finance.cookies.set("tongban_lang", "en")
    pages.append(finance.get("/finance").text)
    assert "Payment reconciliation" in pages[-1]
    return pages


def _inspection_pages(client: TestClient, signed_in: SignedIn) -> list[str]:
    """现场踏勘 of 食品生产许可: the reviewer's order on the task page, the drawn
    inspector's list and inspection page, the applicant's answer on the case page."""
    number = submitted(client, api_token(client, "minfeng"), "3501-SCJG-005")["number"]
    staff = api_token(client, "scjg")
    assert act(client, staff, open_task(client, staff, number, "accept"), "accept").is_success
    task = open_task(client, staff, number, "review")
    reviewer = signed_in("scjg")
    reviewer.cookies.set("tongban_lang", "en")
    page = reviewer.get(f"/staff/tasks/{task['id']}").text
    assert "Order an on-site inspection" in page
    token = found(r'name="csrf_token" value="(\w+)"', page)
    pages = [reviewer.post(f"/staff/tasks/{task['id']}/inspect", data={"csrf_token": token}).text]
    assert "Inspection under way" in pages[-1]
    for username in ("takan1", "takan2", "takan3"):  # two of them were drawn
        inspector = signed_in(username)
        inspector.cookies.set("tongban_lang", "en")
        listed = inspector.get("/inspections").text
        if number in listed:
            break
    pages.append(listed)
    path = found(r'href="(/inspections/\d+)"', listed)
    token = found(r'name="csrf_token" value="(\w+)"', inspector.get(path).text)
    data = {"csrf_token": token, "visit_at": "2030-01-07T09:30"}
    pages.append(inspector.post(f"{path}/propose", data=data).text)
    assert "Propose another time" in pages[-1] and "Record the result" in pages[-1]
    applicant = signed_in("minfeng")
    applicant.cookies.set("tongban_lang", "en")
    pages.append(applicant.get(f"/cases/{number}").text)
    assert "Accept this time" in pages[-1]
    return pages


def test_english_tour_renders_every_template(
    client: TestClient,
    signed_in: SignedIn,
    rendered: set[str],
    runtime: Runtime,
    clock: Clock,
) -> None:
    pages = [client.get("/?lang=en").text, client.get("/?lang=en&q=restaurant").text]
    assert (
        '<html lang="en">' in pages[0]
        and "Service hall" in pages[0]
        and "Opening a restaurant" in pages[0]
    )
    pages.append(client.get("/?lang=en&q=sydj", headers={"HX-Request": "true"}).text)
    assert "Unemployment registration" in pages[-1] and "<html" not in pages[-1]
    pages.append(client.get(f"/items/{ITEM}?lang=en").text)
    assert "Legal basis" in pages[-1] and "Apply online" in pages[-1]
    # the catalog's own names in English: the item, its materials
    assert "Unemployment registration" in pages[-1]
    assert "Identity card of the applicant (agent)" in pages[-1]
    assert "Proof of termination of employment" in pages[-1]
    assert "申请人(经办人)居民身份证" not in pages[-1]
    pages.append(client.get("/bundles/3501-BUNDLE-QYKB?lang=en").text)
    assert "Items included" in pages[-1]
    assert "Starting a business" in pages[-1] and "Articles of association" in pages[-1]
    pages.append(client.get(f"/bundles/3501-BUNDLE-QYKB?lang=en&{QYKB_ANSWERS}").text)
    assert "you need to provide 8 materials" in pages[-1] and "Conditions" in pages[-1]
    pages.append(client.get("/finder?lang=en&who=enterprise&event=开餐馆").text)
    assert "Service finder" in pages[-1]
    pages.append(client.get("/ask", params={"q": "开饭店要办什么证", "lang": "en"}).text)
    assert "Start the application" in pages[-1] and "Opening a restaurant" in pages[-1]
    pages.append(client.get("/ask", params={"q": "火星移民签证", "lang": "en"}).text)
    assert "Sorry, I cannot answer this question yet" in pages[-1]
    pages += [client.get("/login?lang=en").text, client.get("/register?lang=en").text]
    assert "Sign in" in pages[-2] and "Register" in pages[-1]
    pages.append(client.get("/api/v1/docs?lang=en").text)
    assert "API documentation" in pages[-1]
    pages.append(client.get("/public/results?lang=en").text)
    assert "Published decisions" in pages[-1]
    pages.append(client.get("/public/notices?lang=en").text)
    assert "Public notices" in pages[-1] and "No notice is running now." in pages[-1]
    pages.append(client.get("/public/objections?lang=en").text)
    assert "Outcome of an objection" in pages[-1] and "Objection number" in pages[-1]
    pages.append(client.get("/items/NOPE-1?lang=en").text)
    assert "Go back" in pages[-1]
    applicant = signed_in("zhangsan")
    applicant.cookies.set("tongban_lang", "en")
    pages.append(applicant.get(f"/apply/{ITEM}").text)
    assert "Application form" in pages[-1] and "Submit application" in pages[-1]
    # field titles and material names of the catalog in English
    assert '<label for="f-residence_address">Current address' in pages[-1]
    assert "Identity card of the applicant (agent)" in pages[-1]
    assert "现居住地址" not in pages[-1]
    pages.append(applicant.get(f"/apply/3501-BUNDLE-QYKB?{QYKB_ANSWERS}").text)
    assert "Registered capital (10,000 yuan)" in pages[-1]
    review = fill_in(applicant, ITEM, VALID, {"m_ID_CARD": ("id.pdf", PDF, "application/pdf")})
    pages.append(review.text)
    assert "Review your application" in pages[-1]
    pages.append(confirm(applicant, review.text).text)
    assert "Application receipt" in pages[-1]
    number = found(r'href="/cases/(\d+)"', pages[-1])
    pages.append(applicant.get(f"/cases/{number}").text)
    assert "Awaiting acceptance" in pages[-1] and "Progress" in pages[-1]
    # 办件查询: the receipt's number and the ID number's tail, without sign-in
    visitor = TestClient(client.app)
    visitor.cookies.set("tongban_lang", "en")
    token = found(r'name="csrf_token" value="(\w+)"', visitor.get("/progress").text)
    lookup = {"number": number, "factor": VALID["applicant_id_number"][-6:], "csrf_token": token}
    pages.append(visitor.post("/progress", data=lookup).text)
    assert "Case progress" in pages[-1] and "Stages" in pages[-1]
    pages.append(applicant.get("/my/cases").text)
    pages.append(applicant.get("/my/authorisations").text)  # 代办授权, the form to authorise
    pages.append(applicant.get("/account/password").text)
    assert "Current password" in pages[-1] and "New password again" in pages[-1]
    staff = signed_in("rs")
    staff.cookies.set("tongban_lang", "en")
    pages.append(staff.get("/staff").text)
    assert "Time left" in pages[-1]
    task = found(r'href="(/staff/tasks/\d+)"', pages[-1])
    pages.append(staff.get(task).text)
    assert "One-time correction notice" in pages[-1]
    token = found(r'name="csrf_token" value="(\w+)"', pages[-1])
    staff.post(
        f"{task}/correction",
        data={
            "csrf_token": token,
            "rows": "1",
            "row-0-target": "phone",
            "row-0-check": "1",
            "row-0-problem": "Wrong number",
        },
    )
    page = staff.get(task).text
    token = found(r'name="csrf_token" value="(\w+)"', page)
    data = {"csrf_token": token, "to_department": "GA", "question": "Contract ended?"}
    assert staff.post(f"{task}/verify", data=data).status_code == 200
    ga = signed_in("ga")
    ga.cookies.set("tongban_lang", "en")
    pages.append(ga.get(found(r'href="(/staff/verifications/\d+)"', ga.get("/staff").text)).text)
    assert "Fact to verify" in pages[-1] and "Contract ended?" in pages[-1]
    applicant = signed_in("zhangsan")
    applicant.cookies.set("tongban_lang", "en")
    pages.append(applicant.get(f"/cases/{number}").text)
    assert "Correct and resubmit" in pages[-1] and "Wrong number" in pages[-1]
    clerk = signed_in("clerk")
    clerk.cookies.set("tongban_lang", "en")
    pages.append(clerk.get("/staff/intake?q=unemployment").text)
    assert "Window intake" in pages[-1] and f"/staff/intake/{ITEM}" in pages[-1]
    pages.append(clerk.get(f"/staff/intake/{ITEM}").text)
    walk_in = {"walkin_id_number": VALID["applicant_id_number"], "walkin_name": "张三"}
    token = found(r'name="csrf_token" value="(\w+)"', pages[-1])
    pages.append(
        clerk.post(
            f"/staff/intake/{ITEM}",
            data={**VALID, **walk_in, "csrf_token": token},
            files={"m_ID_CARD": ("id.pdf", PDF, "application/pdf")},
        ).text
    )
    assert "Receipt" in pages[-1]
    # 评价器: the clerk offers the case on the window's rating pad
    taken = found(r"<strong>(\d{20,})</strong>", pages[-1])
    token = found(r'name="csrf_token" value="(\w+)"', pages[-1])
    clerk.post("/staff/pad/offer", data={"number": taken, "csrf_token": token})
    pages.append(clerk.get("/staff/pad").text)
    assert "How satisfied are you with the service?" in pages[-1]
    pages.append(clerk.get("/staff/taken-in").text)  # 我受理转出的办件
    assert "Cases I took in and passed on" in pages[-1] and "Unemployment registration" in pages[-1]
    # 好差评: a finished case, rated badly, then the department's list of bad ratings
    rs = api_token(client, "rs")
    rated = submitted(client, api_token(client, "zhangsan"), ITEM)["number"]
    for stage, action in [("accept", "accept"), ("review", "review")]:  # all RS-003 lists
        act(client, rs, open_task(client, rs, rated, stage), action, outcome="approved")
    # 短信评价: the signed link of the text message, without signing in
    with runtime.sessions() as session:
        case_id = session.scalar(select(Case.id).where(Case.number == rated))
    assert case_id is not None
    link = rating_links.sign(
        case_id=case_id,
        channel=RatingChannel.sms,
        sent_at=clock.now,
        secret_key=runtime.settings.secret_key,
    )
    pages.append(client.get(f"/rate/{link}?lang=en").text)
    assert "Rate the service" in pages[-1] and "What went wrong" in pages[-1]
    applicant = signed_in("zhangsan")
    applicant.cookies.set("tongban_lang", "en")
    pages.append(applicant.get(f"/cases/{rated}").text)
    assert "Very dissatisfied" in pages[-1]
    token = found(r'name="csrf_token" value="(\w+)"', pages[-1])
    form = {"csrf_token": token, "score": "1", "comment": "Too slow"}
    pages.append(applicant.post(f"/cases/{rated}/rating", data=form).text)
    assert "Thank you for your rating" in pages[-1]
    # 在线沟通: the applicant writes to the department; its workbench lists the thread
    pages.append(applicant.get(f"/cases/{rated}/messages/RS").text)
    token = found(r'name="csrf_token" value="(\w+)"', pages[-1])
    message = {"csrf_token": token, "body": "Why so slow?"}
    pages.append(applicant.post(f"/cases/{rated}/messages/RS", data=message).text)
    assert "Messages" in pages[-1] and "Why so slow?" in pages[-1]
    staff = signed_in("rs")
    staff.cookies.set("tongban_lang", "en")
    pages.append(staff.get("/staff").text)
    assert "Messages awaiting an answer" in pages[-1]
    pages.append(staff.get(f"/cases/{rated}/messages/RS?phrase=answered").text)
    assert f"the answer to your question about case {rated}" in pages[-1]
    pages.append(staff.get("/staff/ratings").text)
    assert "Submit the rectification" in pages[-1]
    # the message centre (the department heard of the bad rating) and the operators' list
    pages.append(staff.get("/messages").text)
    assert "Message centre" in pages[-1] and "Message language" in pages[-1]
    admin = signed_in("admin")
    admin.cookies.set("tongban_lang", "en")
    pages.append(admin.get("/ops/messages").text)
    assert "Messages that could not be sent" in pages[-1]
    pages.append(admin.get("/ops/kiosk-terminals").text)
    assert "Kiosk terminals" in pages[-1]
    pages.append(admin.get("/ops/sources").text)
    assert "Shared data sources" in pages[-1] and "Last success" in pages[-1]
    # 一人一档: my own profile, and the applicant's profile read by staff through a case
    applicant = signed_in("zhangsan")
    applicant.cookies.set("tongban_lang", "en")
    pages.append(applicant.get("/my/profile").text)
    assert "Who looked at my data" in pages[-1]
    staff = signed_in("rs")
    staff.cookies.set("tongban_lang", "en")
    token = found(r'name="csrf_token" value="(\w+)"', staff.get(task).text)
    reasonless = {"csrf_token": token, "purpose": ""}
    pages.append(staff.post(f"/cases/{number}/profile", data=reasonless).text)
    assert "Why you read the applicant" in pages[-1]
    reason = {"csrf_token": token, "purpose": "Check the address"}
    pages.append(staff.post(f"/cases/{number}/profile", data=reason).text)
    assert "this reading is logged" in pages[-1]
    supervisor = signed_in("supervisor")
    supervisor.cookies.set("tongban_lang", "en")
    pages.append(supervisor.get("/supervision").text)
    assert "E-supervision" in pages[-1] and "On-time rate" in pages[-1]
    pages.append(supervisor.get("/supervision/cases?state=submitted").text)
    assert "Find cases" in pages[-1]
    pages.append(supervisor.get("/supervision/sharing").text)
    assert "Fewer fields and materials" in pages[-1] and "Backfill" in pages[-1]
    pages.append(supervisor.get("/supervision/reform").text)
    assert "Reform results" in pages[-1]
    pages.append(supervisor.get("/supervision/cockpit").text)
    assert "Data cockpit" in pages[-1]
    pages.append(supervisor.get("/staff/load").text)
    assert "Workload per person" in pages[-1] and "Record an absence" in pages[-1]
    pages.append(supervisor.get("/staff/absence").text)
    assert "Absence and deputy" in pages[-1] and "Deputy (optional)" in pages[-1]
    # 12345: the person's form, the operator's console, the department's queue, supervisors
    body = {"kind": "complaint", "content": "Too slow", "case_number": rated}
    filed = client.post("/api/v1/complaints", json=body, headers=api_token(client, "zhangsan"))
    assert filed.status_code == 201, filed.text
    pages.append(supervisor.get("/supervision/complaints").text)
    assert "Complaints per department" in pages[-1] and "Too slow" in pages[-1]
    pages.append(supervisor.get(f"/cases/{rated}").text)
    assert "Complaints about this case" in pages[-1]
    for username, path, words in (
        ("zhangsan", "/my/complaints", "File a complaint"),
        ("rexian", "/hotline", "Record a call"),
        ("rs", "/staff/complaints", "Send back"),
    ):
        reader = signed_in(username)
        reader.cookies.set("tongban_lang", "en")
        pages.append(reader.get(path).text)
        assert words in pages[-1], path
    admin = signed_in("admin")
    admin.cookies.set("tongban_lang", "en")
    pages.append(admin.get("/admin/catalog").text)
    assert "Catalog administration" in pages[-1] and "Current version" in pages[-1]
    pages.append(admin.get("/admin/assistant").text)
    assert "Assistant: unanswered questions" in pages[-1] and "Add an answer" in pages[-1]
    pages.append(admin.get("/admin/catalog/elsewhere").text)
    assert "Matters handled elsewhere" in pages[-1] and "List (YAML)" in pages[-1]
    pages.append(admin.get(f"/admin/catalog/{ITEM}").text)
    assert "Versions" in pages[-1] and "Withdraw" in pages[-1]
    pages.append(admin.get(f"/admin/catalog/{ITEM}/edit").text)
    assert "Save as a new version" in pages[-1]
    pages.append(admin.get(f"/admin/catalog/{ITEM}/preview").text)
    assert "This is the form applicants will see" in pages[-1]
    pages.append(admin.get("/admin/catalog/3501-CGJ-001/rules").text)
    assert "Instant approval rules" in pages[-1] and "the first row that holds decides" in pages[-1]
    # 免申即享: the guide without an application, my benefits, the department's runs
    pages.append(client.get("/items/3501-MZ-002?lang=en").text)
    assert "Proactive benefit (no application)" in pages[-1]
    elder = signed_in("zhoulao")
    elder.cookies.set("tongban_lang", "en")
    pages.append(elder.get("/my/benefits").text)
    assert "No proactive benefits found for you yet." in pages[-1]
    mz = signed_in("mz")
    mz.cookies.set("tongban_lang", "en")
    pages.append(mz.get("/benefits/runs").text)
    assert "Not run yet." in pages[-1]
    # the security and the audit administrators' pages
    for username, path, words in (
        ("secadmin", "/security", "Security administration"),
        ("auditor", "/audit?verify=true", "Audit chain intact"),
    ):
        administrator = signed_in(username)
        administrator.cookies.set("tongban_lang", "en")
        pages.append(administrator.get(path).text)
        assert words in pages[-1]
    # a form posted after the sign-in ended is carried through the sign-in (web/carry.py)
    applicant = signed_in("zhangsan")
    applicant.cookies.set("tongban_lang", "en")
    token = found(r'name="csrf_token" value="(\w+)"', applicant.get(f"/apply/{ITEM}").text)
    applicant.cookies.delete("tongban_session")
    data = {**VALID, "intent": "save", "csrf_token": token}
    pages.append(applicant.post(f"/apply/{ITEM}", data=data).text)
    assert "Your sign-in has expired" in pages[-1]
    carried = html.unescape(found(r'name="carry" value="([^"]*)"', pages[-1]))
    again = {"username": "zhangsan", "password": "demo12345", "csrf_token": token}
    pages.append(
        applicant.post(
            "/login", data={**again, "carry": carried, "carry_to": f"/apply/{ITEM}"}
        ).text
    )
    assert "Continue saving" in pages[-1]
    # e-licences: the holder's wallet, one licence, the public verification page
    result = licensed(client, lambda name: api_token(client, name), FOOD)
    holder = signed_in("minfeng")
    holder.cookies.set("tongban_lang", "en")
    pages.append(holder.get("/my/licences").text)
    assert "My licences" in pages[-1] and result["number"] in pages[-1]
    licence_id = found(r'href="/licences/(\d+)"', pages[-1])
    pages.append(holder.get(f"/licences/{licence_id}").text)
    assert "Download the e-licence (PDF)" in pages[-1]
    pages.append(holder.get("/licences/verify", params={"q": result["number"]}).text)
    assert "The licence is genuine and in force." in pages[-1]
    # a decision's or notice's QR code opens this page (tests/cases/test_official_documents)
    pages.append(
        holder.get("/documents/verify", params={"n": "YB不许〔2026〕000001号", "c": "0"}).text
    )
    assert "Verify a document" in pages[-1] and "No document has this number" in pages[-1]
    # 告知承诺: the food licence's post-approval check, on the checking department's page
    checker = signed_in("scjg")
    checker.cookies.set("tongban_lang", "en")
    queue = checker.get("/staff").text
    assert "Post-approval checks to do" in queue
    pages.append(checker.get(found(r'href="(/staff/post-checks/\d+)"', queue)).text)
    assert "What to check" in pages[-1] and "Record the finding" in pages[-1]
    # queue tickets (排号): halls, booking, my bookings, the kiosk, the display, the window
    booker = signed_in("lisi")
    booker.cookies.set("tongban_lang", "en")
    pages.append(booker.get("/halls").text)
    assert "Book a visit" in pages[-1]
    slot_page = {"item": ITEM, "day": "2025-09-22"}
    pages.append(booker.get("/halls/GL-ZWFW", params=slot_page).text)
    assert "Choose a slot" in pages[-1]
    token = found(r'name="csrf_token" value="(\w+)"', pages[-1])
    booking = {**slot_page, "starts": "16:00", "csrf_token": token}
    pages.append(booker.post("/halls/GL-ZWFW/book", data=booking).text)
    assert "My bookings" in pages[-1] and "Check-in code" in pages[-1]
    pages.append(booker.get("/halls/GL-ZWFW/kiosk").text)
    token = found(r'name="csrf_token" value="(\w+)"', pages[-1])
    pages.append(
        booker.post("/halls/GL-ZWFW/kiosk/take", data={"item": ITEM, "csrf_token": token}).text
    )
    assert "Your ticket" in pages[-1] and "minutes to wait" in pages[-1]
    pages.append(booker.get("/halls/GL-ZWFW/display").text)
    assert "Call display" in pages[-1]
    booker.cookies.set("tongban_kiosk", "GL-ZWFW")  # the hall's terminal: its keyboard
    pages.append(booker.get("/progress").text)
    assert "On-screen keyboard" in pages[-1] and "Caps" in pages[-1]
    pages.append(booker.get("/ask", params={"q": "kaifandian"}).text)  # read in characters
    assert "Read from the pinyin as:" in pages[-1]
    pages.append(booker.get("/ask/pinyin", params={"q": "kaifandian"}).text)  # as typed
    assert "The pinyin in Chinese characters:" in pages[-1]
    booker.cookies.delete("tongban_kiosk")
    window_clerk = signed_in("clerk")
    window_clerk.cookies.set("tongban_lang", "en")
    pages.append(window_clerk.get("/staff/queue", params={"at": "GL-ZWFW/01"}).text)
    assert "Call the next ticket" in pages[-1]
    pages += _payment_pages(client, signed_in)
    pages += expert_pages(client, signed_in)
    pages += _inspection_pages(client, signed_in)
    pages += _second_factor_pages(runtime, clock)
    for page in pages:
        check_structure(page)
    assert rendered >= set(_templates()), f"never rendered: {set(_templates()) - rendered}"


def test_every_chinese_text_has_one_english_text() -> None:
    """Two helpers appending the same text gave it two entries, once with two different
    translations: which one a page showed depended on the order of the file."""
    ids = [
        line for line in PO.read_text(encoding="utf-8").splitlines() if line.startswith("msgid ")
    ]
    doubled = sorted({line for line in ids if ids.count(line) > 1} - {'msgid ""'})
    assert doubled == []


def test_a_page_refused_for_want_of_a_role_names_the_roles_as_people_read_them(
    signed_in: SignedIn,
) -> None:
    """Trial 12, fault 7: a clerk on /ops/messages read "Needs one of the roles:
    system_admin、supervisor." (role codes, a Chinese comma) on an English page."""
    clerk = signed_in("zj")
    clerk.cookies.set("tongban_lang", "en")
    english = clerk.get("/ops/messages")
    clerk.cookies.set("tongban_lang", "zh_Hans")
    chinese = clerk.get("/ops/messages")
    assert english.status_code == chinese.status_code == 403
    assert "Needs one of the roles: system administration, e-supervision" in english.text
    assert "需要以下角色之一：系统管理、电子监察" in chinese.text
    assert "system_admin" not in english.text + chinese.text
