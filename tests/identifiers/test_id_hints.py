"""What the pages say about the last character of an ID number is what they do: a
lower-case x is taken (as X) by item forms and by registration, and every hint says so."""

from __future__ import annotations

from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from tests.web.support import ITEM, sign_in
from tongban import identifiers

ROOT = Path(__file__).resolve().parents[2]


def test_no_catalog_hint_for_an_id_number_asks_for_an_upper_case_x() -> None:
    hints = []
    for path in sorted((ROOT / "catalog" / "items").glob("*.yaml")):
        form = yaml.safe_load(path.read_text("utf-8"))["form"]
        for name, prop in form["properties"].items():
            kind = identifiers.kind_of(prop)
            if kind is not None and kind.name == "resident-id" and prop.get("description"):
                hints.append((path.stem, name, prop["description"]))
    assert hints
    for code, name, hint in hints:
        assert "大写X" not in hint.replace("按大写X接受", ""), (code, name, hint)
        assert "小写x" in hint, (code, name, hint)


def test_the_item_form_and_registration_say_lower_case_x_is_taken(client: TestClient) -> None:
    form = client.get("/register").text
    assert "小写 x 按大写 X 接受" in form
    english = client.get("/register", headers={"Accept-Language": "en"}).text
    assert "a lower-case x is taken as X" in english
    sign_in(client, "zhangsan")
    assert "末位校验码为数字或X(小写x按大写X接受)" in client.get(f"/apply/{ITEM}").text
