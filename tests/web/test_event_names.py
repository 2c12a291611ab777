"""Pages name things in words, never by their codes: every audit action the code writes
has a name on the timeline, and a guide names a shared source as sources.yaml does.

The fresh-clone trial found "material.signed" on an applicant's timeline and
"real_estate_certificate" on the 企业开办 guide.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.conftest import ROOT

SOURCE = ROOT / "src" / "tongban"
WRITTEN = re.compile(r'action=f?"([a-z_]+\.[a-z_]+)"')


def _named_actions() -> set[str]:
    macros = (SOURCE / "templates" / "_macros.html").read_text(encoding="utf-8")
    body = macros[macros.index("{% macro action(") :]
    body = body[: body.index("{% endmacro %}")]
    return set(re.findall(r'"([a-z_]+\.[a-z_]+)"', body))


def test_every_audit_action_the_code_writes_has_a_name() -> None:
    written = {
        action
        for path in SOURCE.rglob("*.py")
        for action in WRITTEN.findall(path.read_text(encoding="utf-8"))
    }
    assert len(written) > 20
    assert written - _named_actions() == set()


def test_a_guide_names_a_shared_source_as_the_registry_does(client: TestClient) -> None:
    html = client.get("/items/3501-SCJG-001").text
    assert "real_estate_certificate" not in html
    assert "可由共享数据提供：不动产登记簿" in html
