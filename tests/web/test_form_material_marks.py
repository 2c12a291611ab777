"""Which materials the application form insists on before it is sent (``data-required``,
read by static/form.js): only those nothing but the applicant's file can satisfy. A
material the platform pulls from shared data or e-licences, generates from the form or
asks the issuing department about is not asked for in the browser; the server decides at
submission (and asks for the file, saying why, when the automatic ways could not)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from tests.web.support import SignedIn

ROOT = Path(__file__).resolve().parents[2]


def _items() -> list[dict[str, Any]]:
    return [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((ROOT / "catalog" / "items").glob("*.yaml"))
    ]


def _insisted(html: str) -> set[str]:
    return set(re.findall(r'id="material-([A-Z0-9_-]+)"\s+data-required', html))


def _answers(item: dict[str, Any]) -> tuple[str, set[str]]:
    """The query answering each situation question of ``item`` (情形引导) with its last
    option, and the materials those answers spare."""
    chosen = [(s["code"], s["options"][-1]) for s in item.get("situations") or []]
    query = "&".join(f"s_{code}={option['value']}" for code, option in chosen)
    spared = {m for _, option in chosen for m in option.get("omit_materials") or []}
    return query, spared


def _expected(materials: list[dict[str, Any]], spared: frozenset[str] = frozenset()) -> set[str]:
    return {
        m["code"]
        for m in materials
        if m["required"]
        and m["code"] not in spared
        and not m.get("deficiency_allowed")
        and (m.get("ways") or ["upload"])[0] == "upload"
    }


def test_every_fresh_form_insists_only_on_files_nothing_else_provides(
    signed_in: SignedIn,
) -> None:
    # one signed-in client at a time (signing in again replaces the session cookie): a
    # person files the items open to persons, an enterprise the others; a 免申即享 item has
    # no form to fill for someone it is not granted to
    items = [i for i in _items() if i.get("approval_mode") != "proactive"]
    persons = [i for i in items if "person" in i["subject"]]
    for username, group in (
        ("zhangsan", persons),
        ("minfeng", [i for i in items if i not in persons]),
    ):
        client = signed_in(username)
        for item in group:
            _check(client, item)


def _check(client: Any, item: dict[str, Any]) -> None:
    """The form of ``item`` insists on exactly the files nothing else provides."""
    query, spared = _answers(item)
    response = client.get(f"/apply/{item['code']}?{query}")
    assert response.status_code == 200, item["code"]
    html = response.text
    assert _insisted(html) == _expected(item["materials"], frozenset(spared)), item["code"]
    for material in item["materials"]:
        if "upload" not in (material.get("ways") or ["upload"]):
            assert f'id="m-{material["code"]}"' not in html, (item["code"], material["code"])


def test_the_window_form_insists_on_the_same(signed_in: SignedIn) -> None:
    item = next(i for i in _items() if i["code"] == "3501-CGJ-003")
    html = signed_in("cgj").get(f"/staff/intake/{item['code']}").text
    assert _insisted(html) == _expected(item["materials"]) == {"OCCUPY_PLAN"}
    assert "自动获取不到时必需" in html  # the ID card: looked for in shared data first
