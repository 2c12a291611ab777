"""The authorisation matrix, generated from the app's own routes: every operation (API and
page, every method) × caller (role, department, owner of the case or not).

A caller is *refused* an operation when its route's guards (``accounts.deps``: signed in,
staff, applicant, ``require_roles``) do not let it in, or when the operation names a case
(its number, a task, a material) that the caller may not see (``cases.core.access``: the
owner, staff of a department working on it, supervisors; not the system administrator,
who manages configuration and accounts but reads no case (三员分立)).
A refused caller must get a 4xx (or, for a page, the way to the sign-in form) and nothing
of the case: any 2xx, other redirect, or the applicant's name or ID number in the body is
a leak. Prints ``authorisation matrix: N checks, 0 leaks``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests import figures
from tests.factories import API, act, open_task, submitted
from tests.web.support import csrf
from tongban import app as composition
from tongban.accounts import deps
from tongban.accounts.enums import Role

ITEM = "3501-WJW-002"  # 放射工作人员证: WJW accepts and reviews
OWNER = "zhangsan"
SECRETS = ("350102196204180310", "张三")  # the owner's ID number and name
CASE_PARAMS = {"number", "task_id", "material_id"}


@dataclass(frozen=True)
class Caller:
    username: str | None
    roles: frozenset[Role]
    staff: bool
    sees_case: bool  # may see the case of the matrix (owner, its departments, oversight)


CALLERS = [
    Caller(None, frozenset(), False, False),
    Caller("zhangsan", frozenset({Role.applicant}), False, True),  # the owner
    Caller("lisi", frozenset({Role.applicant}), False, False),  # another applicant
    Caller("wjw", frozenset({Role.clerk, Role.reviewer, Role.issuer}), True, True),
    Caller("wjw-hz", frozenset({Role.approver}), True, True),  # the same department
    Caller("zrzy", frozenset({Role.clerk, Role.reviewer, Role.issuer}), True, False),
    Caller("zrzy-hz", frozenset({Role.approver}), True, False),  # another department
    Caller("clerk", frozenset({Role.clerk}), True, False),  # the hall's window
    Caller("supervisor", frozenset({Role.supervisor}), True, True),
    Caller("admin", frozenset({Role.system_admin, Role.catalog_admin}), True, False),
    Caller("secadmin", frozenset({Role.security_admin}), True, False),
    Caller("auditor", frozenset({Role.audit_admin}), True, False),
    Caller("rexian", frozenset({Role.hotline_operator}), True, False),  # 12345 operator
    Caller("zhuanjia1", frozenset({Role.expert}), True, False),  # on no panel of the case
    Caller("takan1", frozenset({Role.inspector}), True, False),  # 现场踏勘, another department
]


@dataclass(frozen=True)
class Guard:
    """What a route's dependencies ask of the caller."""

    signed_in: bool = False
    staff: bool = False
    applicant: bool = False
    roles: frozenset[Role] | None = None

    def admits(self, caller: Caller) -> bool:
        return (
            (not self.signed_in or caller.username is not None)
            and (not self.staff or caller.staff)
            and (not self.applicant or Role.applicant in caller.roles)
            and (self.roles is None or bool(self.roles & caller.roles))
        )


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _roles_of(check: Any) -> frozenset[Role]:
    cells = [cell.cell_contents for cell in check.__closure__ or ()]
    return frozenset(role for cell in cells if isinstance(cell, tuple) for role in cell)


def guard_of(route: APIRoute) -> Guard:
    guard = Guard()
    for call in _calls(route.dependant):
        if call is deps.get_current_user:
            guard = Guard(True, guard.staff, guard.applicant, guard.roles)
        elif call is deps.get_current_staff:
            guard = Guard(True, True, guard.applicant, guard.roles)
        elif call is deps.get_current_applicant:
            guard = Guard(True, guard.staff, True, guard.roles)
        elif getattr(call, "__qualname__", "").startswith("require_roles."):
            guard = Guard(True, guard.staff, guard.applicant, _roles_of(call))
    return guard


def operations() -> list[tuple[str, str, APIRoute]]:
    """(method, path, route) of every API operation and page of the app."""
    found = []
    for prefix, routers in (
        (API, composition.API_ROUTERS),
        ("", composition.PAGE_ROUTERS),
    ):
        for router in routers:
            for route in router.routes:
                if isinstance(route, APIRoute):
                    found += [(method, prefix + route.path, route) for method in route.methods]
    return sorted(found, key=lambda op: (op[1], op[0]))


@pytest.fixture
def world(client: TestClient, as_user: Any) -> dict[str, str]:
    """The objects the matrix asks about: a case of the owner in WJW's review."""
    owner = as_user(OWNER)
    number = submitted(client, owner, ITEM)["number"]
    staff = as_user("wjw")
    assert act(client, staff, open_task(client, staff, number, "accept"), "accept").is_success
    task = open_task(client, staff, number, "review")
    material = client.get(f"{API}/cases/{number}/materials", headers=owner).json()[0]
    messages = client.get(f"{API}/me/messages", headers=owner).json()
    return {
        "number": number,
        "task_id": str(task["id"]),
        "material_id": str(material["id"]),
        "material_code": material["material_code"],
        "message_id": str(messages[0]["id"]) if messages else "1",
    }


def _path(path: str, world: dict[str, str]) -> str:
    values = {
        **world,
        "code": world["material_code"] if "{number}" in path else ITEM,
        "year": "2026",
        "mode": "elder",
        "locale": "en",
        "action": "review",
    }
    return re.sub(r"{(\w+)(?::\w+)?}", lambda m: values.get(m.group(1), "1"), path)


def _signed_in(app: Any, caller: Caller) -> tuple[TestClient, dict[str, str], str]:
    """A browser of ``caller`` (session cookie), its bearer headers and a CSRF token."""
    browser = TestClient(app, follow_redirects=False)
    headers: dict[str, str] = {}
    if caller.username:
        form = {"username": caller.username, "password": "demo12345"}
        signed = browser.post(
            "/login", data={**form, "csrf_token": csrf(browser.get("/login").text)}
        )
        assert signed.status_code == 303, signed.text
        token = browser.post(f"{API}/auth/login", json=form).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
    return browser, headers, csrf(browser.get("/login").text)


def _leak(response: Any, caller: Caller) -> str | None:
    """Why an answer to a refused caller gives something away, or None (the owner's own
    name in the owner's page header is no leak)."""
    if response.is_success:
        return f"{response.status_code}"
    location = response.headers.get("location", "")
    if response.is_redirect and not location.startswith("/login"):
        return f"{response.status_code} → {location}"
    shown = [s for s in SECRETS if s in response.text and caller.username != OWNER]
    return f"{response.status_code} showing {shown}" if shown else None


def test_no_caller_gets_what_its_role_department_or_ownership_refuses(
    client: TestClient, world: dict[str, str]
) -> None:
    ops = operations()
    assert len(ops) > 150
    checks, refused, leaks, errors = 0, 0, [], []
    for caller in CALLERS:
        browser, headers, token = _signed_in(client.app, caller)
        for method, path, route in ops:
            names = set(re.findall(r"{(\w+)", path))
            denied = not guard_of(route).admits(caller) or (
                bool(names & CASE_PARAMS) and not caller.sees_case
            )
            if not denied:
                continue  # what the insiders may do is the other suites' business
            url = _path(path, world)
            if path.startswith(API):
                answer = browser.request(method, url, headers=headers, json={})
            else:
                answer = browser.request(method, url, data={"csrf_token": token})
            checks += 1
            refused += answer.status_code in (401, 403, 404)
            if answer.status_code >= 500:
                errors.append(f"{caller.username} {method} {url}: {answer.status_code}")
            if (why := _leak(answer, caller)) is not None:
                leaks.append(f"{caller.username} {method} {url}: {why}")
    figures.count(
        "authorisation matrix",
        operations=len(ops),
        callers=len(CALLERS),
        checks=checks,
        refused_401_403_404=refused,
        leaks=len(leaks),
        server_errors=len(errors),
    )
    assert leaks == [] and errors == [], leaks + errors


def test_the_system_administrator_reads_no_case_and_no_personal_data(
    client: TestClient, world: dict[str, str]
) -> None:
    """三员分立 (GB/T 22239-2019 8.1.4.2): every page and API read the system administrator
    is let into (configuration, catalog, holidays, operators' lists) shows neither the
    applicant's name nor ID number, and every operation naming the case is refused."""
    admin = next(caller for caller in CALLERS if caller.username == "admin")
    browser, headers, _ = _signed_in(client.app, admin)
    reads, shown = 0, []
    for method, path, route in operations():
        if method != "GET" or not guard_of(route).admits(admin):
            continue
        url = _path(path, world)
        answer = browser.get(url, headers=headers if path.startswith(API) else {})
        reads += 1
        if found := [s for s in SECRETS if s in answer.text]:
            shown.append(f"GET {url}: {answer.status_code} showing {found}")
    figures.count(
        "system administrator reads", pages_and_api_reads=reads, personal_data_shown=len(shown)
    )
    assert reads > 20 and shown == [], shown
