"""The agent's pages: 代办授权 given and received, and the application form for the
grantor; the same item applied for by the person and by their agent makes equal cases,
told apart by their channel."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.testclient import TestClient

from tests.agents.test_authorisations import ITEM, MONDAY, _authorise
from tests.conftest import Clock
from tests.factories import API
from tests.web.support import csrf


def test_the_person_and_the_agent_make_equal_cases_told_apart_by_channel(
    client: TestClient, as_user: Any, signed_in: Any
) -> None:
    grantor, agent = as_user("zhangsan"), as_user("lisi")
    authorisation = _authorise(client, grantor, "lisi", [ITEM], date(2025, 10, 31)).json()
    own = client.post(f"{API}/cases", json={"code": ITEM}, headers=grantor).json()
    by_agent = client.post(
        f"{API}/cases", json={"code": ITEM, "authorisation_id": authorisation["id"]}, headers=agent
    ).json()
    page = signed_in("lisi")
    form = page.get(f"/apply/{ITEM}", params={"for": authorisation["id"]})
    assert form.status_code == 200 and "委托代为申请" in form.text
    on_page = page.post(
        f"/apply/{ITEM}?for={authorisation['id']}",
        data={"csrf_token": csrf(form.text), "intent": "save"},
        follow_redirects=False,
    )
    assert on_page.status_code in (200, 303), on_page.text[:500]
    mine = client.get(f"{API}/cases", headers=grantor).json()
    channels = sorted(c["channel"] for c in mine)
    assert channels == ["agent", "agent", "api"]
    same = ("catalog_code", "title", "lead_department", "state")
    assert {k: own[k] for k in same} == {k: by_agent[k] for k in same}


def test_the_authorisation_page_grants_shows_and_revokes(signed_in: Any) -> None:
    person = signed_in("zhangsan")
    page = person.get("/my/authorisations")
    assert page.status_code == 200 and "委托他人代办" in page.text and "自愿委托" in page.text
    bad = person.post(
        "/my/authorisations",
        data={
            "agent_username": "nobody-here",
            "relation": "family",
            "scope": ITEM,
            "valid_until": "2025-10-31",
            "csrf_token": csrf(page.text),
        },
    )
    assert bad.status_code == 404 and 'role="alert"' in bad.text
    assert 'value="nobody-here"' in bad.text  # what was typed is kept
    made = person.post(
        "/my/authorisations",
        data={
            "agent_username": "lisi",
            "relation": "village",
            "scope": ITEM,
            "valid_until": "2025-10-31",
            "csrf_token": csrf(page.text),
        },
    )
    assert made.status_code == 200 and "村（社区）代办员" in made.text and ITEM in made.text
    assert 'data-label="授权事项">失业登记</td>' in made.text  # the scope by name, not code
    agent = signed_in("lisi")
    held = agent.get("/my/authorisations")
    assert f"/apply/{ITEM}?for=" in held.text
    person = signed_in("zhangsan")
    listed = person.get("/my/authorisations")
    action = listed.text.split('action="/my/authorisations/')[1].split('"')[0]
    revoked = person.post(f"/my/authorisations/{action}", data={"csrf_token": csrf(listed.text)})
    assert revoked.status_code == 200 and "已撤销" in revoked.text


def test_after_its_last_day_the_pages_treat_an_authorisation_as_ended(
    client: TestClient, as_user: Any, signed_in: Any, clock: Clock
) -> None:
    """The agent's case page says the authorisation ended (not a page of the case), their
    list and authorisation page no longer offer the grantor's items; the grantor sees
    已到期 instead of a revocation button."""
    grantor, agent = as_user("zhangsan"), as_user("lisi")
    authorisation = _authorise(client, grantor, "lisi", [ITEM], MONDAY).json()
    number = client.post(
        f"{API}/cases", json={"code": ITEM, "authorisation_id": authorisation["id"]}, headers=agent
    ).json()["number"]
    page = signed_in("lisi")
    assert number in page.get("/my/cases").text
    clock.advance(days=1)
    opened = page.get(f"/cases/{number}")
    assert opened.status_code == 403 and "授权已于 2025-09-22 到期" in opened.text
    assert number not in page.get("/my/cases").text
    assert f"?for={authorisation['id']}" not in page.get("/my/authorisations").text
    given = signed_in("zhangsan").get("/my/authorisations")
    assert "已到期" in given.text and "撤销授权</button>" not in given.text


SITUATED = "3501-SCJG-003"  # 个体工商户设立登记: a person's item whose guide asks questions first
ENTERPRISE_SITUATED = "3501-SCJG-006"  # 药品零售企业许可: enterprises only, with questions


def test_an_agent_keeps_applying_for_the_grantor_through_the_situation_questions(
    client: TestClient, as_user: Any, signed_in: Any
) -> None:
    """``/apply/CODE?for=N`` on an item with situations sent the agent to the questions
    without ``for``: the form that followed was the agent's own application."""
    authorisation = _authorise(
        client, as_user("zhangsan"), "lisi", [SITUATED], date(2025, 10, 31)
    ).json()
    agent_for = f"for={authorisation['id']}"
    page = signed_in("lisi")
    first = page.get(f"/apply/{SITUATED}?{agent_for}", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == f"/items/{SITUATED}?apply=1&{agent_for}#situations"
    english = page.get(f"/apply/{SITUATED}?{agent_for}&lang=en", follow_redirects=False)
    assert english.headers["location"].endswith(f"?apply=1&{agent_for}&lang=en#situations")
    guide = page.get(first.headers["location"]).text
    assert f'<input type="hidden" name="for" value="{authorisation["id"]}">' in guide
    answered = page.get(
        f"/items/{SITUATED}", params={"for": authorisation["id"], "s_premises": "owned"}
    )
    link = f'href="/apply/{SITUATED}?{agent_for}&amp;s_premises=owned"'
    assert link in answered.text
    form = page.get(f"/apply/{SITUATED}?{agent_for}&s_premises=owned")
    assert form.status_code == 200 and "委托代为申请" in form.text


def test_a_person_acting_for_an_enterprise_is_offered_its_guide_and_form(
    client: TestClient, as_user: Any, signed_in: Any
) -> None:
    """The guide judged who applies by the signed-in person, refusing an enterprise-only
    item to the enterprise's own agent."""
    authorisation = _authorise(
        client, as_user("minfeng"), "zhangsan", [ENTERPRISE_SITUATED], date(2025, 10, 31)
    ).json()
    page = signed_in("zhangsan")
    guide = page.get(f"/items/{ENTERPRISE_SITUATED}", params={"for": authorisation["id"]}).text
    assert "只能由企业（法人）申请" not in guide and 'id="situations"' in guide
    assert f'href="/apply/{ENTERPRISE_SITUATED}?for={authorisation["id"]}"' in guide
    alone = page.get(f"/items/{ENTERPRISE_SITUATED}").text
    assert "只能由企业（法人）申请" in alone


def test_a_refused_authorisation_keeps_its_items_and_never_widens_to_all(signed_in: Any) -> None:
    person = signed_in("zhangsan")
    token = csrf(person.get("/my/authorisations").text)
    typed = {"agent_username": "lisi", "relation": "village", "csrf_token": token}

    past = person.post(
        "/my/authorisations", data={**typed, "scope": ITEM, "valid_until": "2020-01-01"}
    )
    assert past.status_code == 422
    kept = past.text.split(f'value="{ITEM}"')[1].split(">")[0]
    assert "checked" in kept  # the item chosen is still chosen
    none = person.post("/my/authorisations", data={**typed, "valid_until": "2025-10-31"})
    assert none.status_code == 422 and "全部事项" in none.text.split('role="alert"')[1][:200]
    assert "授权事项" not in person.get("/my/authorisations").text.split("我给出的授权")[1][:400]
    everything = person.post(
        "/my/authorisations", data={**typed, "extent": "all", "valid_until": "2025-10-31"}
    )
    assert everything.status_code == 200
    assert 'data-label="授权事项">全部事项</td>' in everything.text


def test_the_agent_reads_the_grantors_account_values_as_the_applicants(
    client: TestClient, as_user: Any, signed_in: Any
) -> None:
    """Found in trial: the agent's form said the grantor's phone came 来自您的账号信息
    (from the agent's own account); on the new form and the saved draft alike."""
    authorisation = _authorise(client, as_user("zhangsan"), "lisi", [ITEM], date(2025, 10, 31))
    page = signed_in("lisi")
    form = page.get(f"/apply/{ITEM}", params={"for": authorisation.json()["id"]})
    assert "来自申请人的账号信息" in form.text and "来自您的账号信息" not in form.text
    saved = page.post(
        f"/apply/{ITEM}?for={authorisation.json()['id']}",
        data={"csrf_token": csrf(form.text), "intent": "save"},
    )
    assert "/edit" in str(saved.url)
    assert "来自申请人的账号信息" in saved.text and "来自您的账号信息" not in saved.text
